import { ChatStream, onStreamSettled } from '../client/chat-stream.js';
import type { CacheEvent } from '../client/event-types.js';
import type { ChatMiddleware } from '../client/middleware/chat-middleware.js';
import type { RequestContext } from '../client/request-context.js';
import { AbortedError } from '../errors/aborted-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { scheduleOn, type Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import { sleep } from '../internal/sleep.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import { makeEntry, toCachedResponse, type StoredAnswer } from './cache-entry.js';
import { cacheHintOf, type CacheOutcome } from './cache-hints.js';
import { EXACT_KEY_MAX_CHARS, hashedKey, keyMaterial } from './cache-key.js';
import type { EntryRead, EntryStore, EntryWrite } from './entry-store.js';
import { SingleFlight, type Flight, type FlightResult, type LeadFlight } from './single-flight.js';

export interface CacheMiddlewareOptions {
  /** Where entries live; a promise while a backend loads (requests made before it wait for it). */
  store: EntryStore | Promise<EntryStore>;
  /** Default lifetime of an entry. */
  ttlMs: number;
  /** `key`: entries keyed by the gateway key id too, and requests with `user` never cached. */
  scope: 'key' | 'global';
  /** Routes the cache applies to (every route when absent). */
  routes?: readonly string[] | undefined;
  /** Only answers of these providers are stored (every provider when absent). */
  providers?: readonly string[] | undefined;
  /** Finish reasons whose answers are stored. */
  finishReasons: readonly FinishReason[];
  /** Single-flight for identical concurrent requests (in this process, and through the store's lock). */
  coalesce: boolean;
  /** Most time a follower waits for a leader; also the lifetime of a cross-process lock. */
  coalesceTimeoutMs: number;
  clock: Clock;
  /** Where a backend fault is logged (once, until it recovers). */
  logger: Logger;
  /**
   * Whether anything listens to `cache` events (the client's listeners, diagnostics_channel);
   * when nothing does, a request builds none. Every event is built when absent.
   */
  wanted?: () => boolean;
}

/** Counters since the cache was made. */
export interface CacheStats {
  hits: number;
  /** Hits served by an identical request in flight rather than by a stored entry. */
  coalesced: number;
  misses: number;
  bypasses: number;
  stores: number;
  /** Backend faults (each one served as a miss). */
  errors: number;
  /** Stored values that were unreadable or of another format (each one a miss). */
  corrupt: number;
  /** Answers not stored for being larger than `maxValueBytes`. */
  oversized: number;
}

export interface CacheMiddleware extends ChatMiddleware {
  readonly backend: 'memory' | 'redis' | 'loading';
  stats(): CacheStats;
  /** Resolves once the store is loaded and connected (or gave up connecting); rejects when it cannot load. */
  ready(): Promise<void>;
  /** Closes the store (its Redis connection). */
  close(): Promise<void>;
}

/** What `wrapChat` is handed: the call to make (`next(request)`) and the request's context. */
type ChatArgs = Parameters<NonNullable<ChatMiddleware['wrapChat']>>[0];

type Plan =
  | { use: false; reason: string }
  | { use: true; key: string; ttlMs: number; maxAgeMs: number | undefined };

/** What a leader goes on with: another worker's stored answer, or the call to make (and settle). */
type Lead = { answer: ChatResponse } | { release?: (() => Promise<void>) | undefined };

/** The lead of a call with no cross-process lock to release (memory store): shared, no allocation. */
const UNLOCKED: Lead = Object.freeze({});

/** The first poll of a follower waiting on another worker's lock, and the most between polls. */
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 200;

/**
 * The response cache: exact match on the normalized request (see `cacheKey`), answers stored only
 * once complete and clean, identical concurrent requests coalesced into one upstream call (in this
 * process, and across workers through the store's short lock). A backend fault is a miss, logged
 * once and counted, never an error to the caller.
 */
export function cacheMiddleware(options: CacheMiddlewareOptions): CacheMiddleware {
  return new ResponseCache(options);
}

class ResponseCache implements CacheMiddleware {
  readonly name = 'cache';
  private store: EntryStore | undefined;
  private readonly loading: Promise<EntryStore | undefined> | undefined;
  private readonly flights = new SingleFlight();
  private readonly counters: CacheStats = {
    hits: 0,
    coalesced: 0,
    misses: 0,
    bypasses: 0,
    stores: 0,
    errors: 0,
    corrupt: 0,
    oversized: 0,
  };
  private readonly routes: ReadonlySet<string> | undefined;
  private readonly providers: ReadonlySet<string> | undefined;
  private readonly finishReasons: ReadonlySet<FinishReason>;
  private degraded = false;

  constructor(private readonly options: CacheMiddlewareOptions) {
    this.routes = options.routes ? new Set(options.routes) : undefined;
    this.providers = options.providers ? new Set(options.providers) : undefined;
    this.finishReasons = new Set(options.finishReasons);
    if (options.store instanceof Promise) {
      this.loading = options.store.then(
        (store) => (this.store = store),
        (error: unknown) => {
          this.fault(error, undefined);
          return undefined;
        },
      );
    } else {
      this.store = options.store;
    }
  }

  get backend(): 'memory' | 'redis' | 'loading' {
    return this.store?.backend ?? 'loading';
  }

  stats(): CacheStats {
    return { ...this.counters };
  }

  async ready(): Promise<void> {
    await this.options.store;
  }

  async close(): Promise<void> {
    const store = this.store ?? (await this.loading);
    await store?.close();
  }

  wrapChat(args: ChatArgs): Promise<ChatResponse> {
    const { next, request, ctx } = args;
    const plan = this.plan(request, ctx);
    if (!plan.use) {
      this.bypass(ctx, plan.reason);
      return next(request);
    }
    const started = performance.now();
    // With a synchronous store (memory) a hit or a miss that leads costs no turn of the event loop.
    const found = this.read(plan, ctx);
    if (found instanceof Promise) return this.chatLoop(plan, ctx, args, started, found);
    if (found) return Promise.resolve(this.hit(ctx, found, started, false));
    const flight = this.options.coalesce ? this.flights.join(plan.key) : undefined;
    if (!flight || flight.leader) return this.leadChat(plan, flight, args, ctx, started);
    return this.chatLoop(plan, ctx, args, started, undefined, flight.result);
  }

  /**
   * The rest of a plain request after a read that must be awaited, or as a follower: a hit,
   * the leader's shared answer or failure, or (after a wait that timed out or a leader that gave
   * up for its own reasons) another look and maybe the lead.
   */
  private async chatLoop(
    plan: Extract<Plan, { use: true }>,
    ctx: RequestContext,
    args: ChatArgs,
    started: number,
    reading: Promise<StoredAnswer | undefined> | undefined,
    following?: Promise<FlightResult>,
  ): Promise<ChatResponse> {
    let waiting = following;
    for (;;) {
      if (!waiting) {
        const found = reading ?? this.read(plan, ctx);
        reading = undefined;
        const stored = found instanceof Promise ? await found : found;
        if (stored) return this.hit(ctx, stored, started, false);
        const flight = this.options.coalesce ? this.flights.join(plan.key) : undefined;
        if (!flight || flight.leader) return this.leadChat(plan, flight, args, ctx, started);
        waiting = flight.result;
      }
      const result = await this.follow(waiting, ctx);
      waiting = undefined;
      if (result.kind === 'answer') return this.hit(ctx, result.response, started, true);
      if (result.kind === 'failed') throw result.error;
      if (result.kind === 'timeout') return this.leadChat(plan, undefined, args, ctx, started);
      // 'retry': the leader's call ended for its own reasons; look again, maybe lead.
    }
  }

  wrapStream(args: {
    next: (request: ChatRequest) => ChatStream;
    request: ChatRequest;
    ctx: RequestContext;
  }): ChatStream {
    const { next, request, ctx } = args;
    const plan = this.plan(request, ctx);
    if (!plan.use) {
      this.bypass(ctx, plan.reason);
      return next(request);
    }
    // Made now, so a request no provider can serve still fails here, synchronously; it starts
    // only if it is read, which a hit never does.
    const live = next(request);
    return ChatStream.defer(async () => {
      const started = performance.now();
      for (;;) {
        const found = this.read(plan, ctx);
        const stored = found instanceof Promise ? await found : found;
        if (stored) return ChatStream.fromResponse(this.hit(ctx, stored, started, false));
        const flight: Flight | undefined = this.options.coalesce
          ? this.flights.join(plan.key)
          : undefined;
        if (!flight || flight.leader) {
          return this.leadStream(plan, flight, live, ctx, started);
        }
        const result = await this.follow(flight.result, ctx);
        if (result.kind === 'answer') {
          return ChatStream.fromResponse(this.hit(ctx, result.response, started, true));
        }
        if (result.kind === 'failed') throw result.error;
        if (result.kind === 'timeout') {
          return this.leadStream(plan, undefined, live, ctx, started);
        }
      }
    });
  }

  /** Whether and how this request uses the cache. */
  private plan(request: ChatRequest, ctx: RequestContext): Plan {
    if (request.cache === false || cacheHintOf(ctx.metadata)?.bypass) {
      return { use: false, reason: 'request' };
    }
    if (this.routes && !this.routes.has(ctx.route)) return { use: false, reason: 'route' };
    const scoped = this.options.scope === 'key';
    if (scoped && request.user !== undefined) return { use: false, reason: 'user' };
    const ttlMs = request.cache ? request.cache.ttlMs : this.options.ttlMs;
    const scope = scoped ? (ctx.gatewayKeyId ?? '-') : '*';
    const material = keyMaterial(request, ctx.route, scope);
    return {
      use: true,
      key:
        this.store?.exactKeys && material.length <= EXACT_KEY_MAX_CHARS
          ? material
          : hashedKey(scope, material),
      ttlMs,
      maxAgeMs: request.cache ? request.cache.ttlMs : undefined,
    };
  }

  /** A leader's plain call: the cross-process lock first (Redis), then the call, then the store. */
  private leadChat(
    plan: Extract<Plan, { use: true }>,
    flight: Flight | undefined,
    args: ChatArgs,
    ctx: RequestContext,
    started: number,
  ): Promise<ChatResponse> {
    const taken = this.takeLead(plan, flight, ctx);
    if (taken instanceof Promise) {
      return taken.then((lead) => this.callAsLeader(lead, plan, flight, args, ctx, started));
    }
    return this.callAsLeader(taken, plan, flight, args, ctx, started);
  }

  private callAsLeader(
    lead: Lead,
    plan: Extract<Plan, { use: true }>,
    flight: Flight | undefined,
    args: ChatArgs,
    ctx: RequestContext,
    started: number,
  ): Promise<ChatResponse> {
    if ('answer' in lead) {
      return Promise.resolve({ ...lead.answer, latencyMs: performance.now() - started });
    }
    const { release } = lead;
    const leading = flight?.leader ? flight : undefined;
    const failed = (error: unknown): never => {
      leading?.settle(this.failure(error, ctx));
      void this.unlock(release);
      throw error;
    };
    let pending: Promise<ChatResponse>;
    try {
      pending = args.next(args.request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return pending.then((response) => {
      leading?.settle({ kind: 'answer', response });
      this.keep(plan, response, ctx, flight, release);
      return response;
    }, failed);
  }

  /** A leader's stream: stored once it completed; followers get its final response. */
  private async leadStream(
    plan: Extract<Plan, { use: true }>,
    flight: Flight | undefined,
    live: ChatStream,
    ctx: RequestContext,
    started: number,
  ): Promise<ChatStream> {
    const taken = this.takeLead(plan, flight, ctx);
    const lead = taken instanceof Promise ? await taken : taken;
    if ('answer' in lead) {
      return ChatStream.fromResponse({ ...lead.answer, latencyMs: performance.now() - started });
    }
    const { release } = lead;
    const leading = flight?.leader ? flight : undefined;
    onStreamSettled(live, (outcome) => {
      if (outcome.ok) {
        leading?.settle({ kind: 'answer', response: outcome.response });
        this.keep(plan, outcome.response, ctx, flight, release);
      } else {
        leading?.settle(this.failure(outcome.error, ctx));
        void this.unlock(release);
      }
    });
    return live;
  }

  /**
   * A leader's first step, plain or stream: takes the cross-process lock (when it leads a local
   * flight), or returns the answer another worker stored meanwhile (settling the flight with it).
   * Otherwise the miss is counted and the caller makes the call, then settles and releases.
   */
  private takeLead(
    plan: Extract<Plan, { use: true }>,
    flight: Flight | undefined,
    ctx: RequestContext,
  ): Lead | Promise<Lead> {
    const leading = flight?.leader ? flight : undefined;
    // No cross-process lock to take (memory store, or a follower gone leader): no await at all.
    if (!leading || !this.store?.lock) {
      this.miss(ctx);
      return UNLOCKED;
    }
    return this.lock(plan, ctx, leading).then((locked) => {
      if ('answer' in locked) {
        leading.settle({ kind: 'answer', response: locked.answer });
        this.finish(flight, undefined);
        return { answer: locked.answer };
      }
      this.miss(ctx);
      return locked.release ? { release: locked.release } : UNLOCKED;
    });
  }

  /**
   * Cross-process single-flight through the store's lock: returns the lock's release once held,
   * or another worker's answer once it is stored. Gives up waiting (and goes on without the lock)
   * after `coalesceTimeoutMs`, when the store fails, or when the store has no lock.
   */
  private async lock(
    plan: Extract<Plan, { use: true }>,
    ctx: RequestContext,
    leading: LeadFlight,
  ): Promise<{ release?: () => Promise<void> } | { answer: ChatResponse }> {
    const store = this.store;
    if (!store?.lock) return {};
    const { clock, coalesceTimeoutMs } = this.options;
    const deadline = clock.now() + coalesceTimeoutMs;
    let pause = POLL_MIN_MS;
    for (;;) {
      let release: (() => Promise<void>) | undefined;
      try {
        release = await store.lock(plan.key, coalesceTimeoutMs);
      } catch (error) {
        this.fault(error, ctx);
        return {};
      }
      // Looked again after the lock changed hands: the last holder may have just stored it.
      const stored = await this.read(plan, ctx);
      if (stored) {
        void this.unlock(release);
        return { answer: this.served(ctx, stored, true) };
      }
      if (release) return { release };
      if (clock.now() >= deadline) return {};
      try {
        await sleep(pause, ctx.signal, clock);
      } catch (error) {
        const aborted = new AbortedError(undefined, { cause: error });
        leading.settle({ kind: 'retry' });
        throw aborted;
      }
      pause = Math.min(POLL_MAX_MS, Math.round(pause * 1.5));
    }
  }

  /** After the store: the in-process flight frees its key, and the cross-process lock goes. */
  private finish(flight: Flight | undefined, release: (() => Promise<void>) | undefined): void {
    if (flight?.leader) flight.done();
    if (release) void this.unlock(release);
  }

  /** Stores the answer, then frees the flight and the lock (after the store, never before). */
  private keep(
    plan: Extract<Plan, { use: true }>,
    response: ChatResponse,
    ctx: RequestContext,
    flight: Flight | undefined,
    release: (() => Promise<void>) | undefined,
  ): void {
    const saving = this.save(plan, response, ctx);
    if (saving) void saving.finally(() => this.finish(flight, release));
    else this.finish(flight, release);
  }

  private async unlock(release: (() => Promise<void>) | undefined): Promise<void> {
    if (!release) return;
    try {
      await release();
    } catch {
      // The lock expires on its own.
    }
  }

  /** A follower's wait for its leader: bounded by `coalesceTimeoutMs` and its own abort. */
  private follow(
    result: Promise<FlightResult>,
    ctx: RequestContext,
  ): Promise<FlightResult | { kind: 'timeout' }> {
    const signal = ctx.signal;
    if (signal?.aborted) return Promise.reject(new AbortedError());
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        cancel();
        reject(new AbortedError());
      };
      const cancel = scheduleOn(
        this.options.clock,
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ kind: 'timeout' });
        },
        this.options.coalesceTimeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      void result.then((value) => {
        cancel();
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      });
    });
  }

  /**
   * What followers make of a leader's failure: an upstream failure is theirs too (shared, so a
   * failing request is not retried once per follower); the leader's own abort, a stream cut after
   * its first output, or one its reader abandoned is not, and they try again.
   */
  private failure(error: unknown, ctx: RequestContext): FlightResult {
    if (ctx.signal?.aborted) return { kind: 'retry' };
    if (FlexiAIError.isInstance(error)) {
      if (error.code === 'aborted' || error.code === 'stream_interrupted') return { kind: 'retry' };
    }
    return { kind: 'failed', error };
  }

  /**
   * A stored answer, unless absent, unreadable, of another format, or stale. Synchronous with a
   * synchronous store (memory), so a hit costs no extra turn of the event loop.
   */
  private read(
    plan: Extract<Plan, { use: true }>,
    ctx: RequestContext,
  ): StoredAnswer | undefined | Promise<StoredAnswer | undefined> {
    const store = this.store;
    if (!store) {
      return this.loading?.then((loaded) => (loaded ? this.read(plan, ctx) : undefined));
    }
    let found: EntryRead | Promise<EntryRead>;
    try {
      found = store.get(plan.key);
    } catch (error) {
      this.fault(error, ctx);
      return undefined;
    }
    if (found instanceof Promise) {
      return found.then(
        (entry) => this.fresh(entry, plan, ctx, store),
        (error: unknown) => {
          this.fault(error, ctx);
          return undefined;
        },
      );
    }
    return this.fresh(found, plan, ctx, store);
  }

  /** The answer of a read entry, unless there is none, it is unreadable, or it is stale. */
  private fresh(
    entry: EntryRead,
    plan: Extract<Plan, { use: true }>,
    ctx: RequestContext,
    store: EntryStore,
  ): StoredAnswer | undefined {
    if (this.degraded) this.healthy();
    if (entry === undefined) return undefined;
    if (entry === 'corrupt') {
      this.counters.corrupt += 1;
      ctx.logger.debug({ backend: store.backend }, 'cache: unreadable entry ignored (a miss)');
      return undefined;
    }
    const now = this.options.clock.now();
    if (entry.exp <= now) return undefined;
    if (plan.maxAgeMs !== undefined && now - entry.at >= plan.maxAgeMs) return undefined;
    return entry.answer;
  }

  /**
   * Stores an answer when it may be: complete, clean, of a listed provider, not too large (the
   * store measures it). Synchronous with a synchronous store; never throws (a fault is counted
   * and logged).
   */
  private save(
    plan: Extract<Plan, { use: true }>,
    response: ChatResponse,
    ctx: RequestContext,
  ): Promise<void> | undefined {
    const store = this.store;
    if (!store || response.cached) return undefined;
    if (!this.finishReasons.has(response.finishReason)) return undefined;
    if (this.providers && !this.providers.has(response.provider)) return undefined;
    const entry = makeEntry(response, this.options.clock.now(), plan.ttlMs);
    let written: EntryWrite | Promise<EntryWrite>;
    try {
      written = store.set(plan.key, entry, plan.ttlMs);
    } catch (error) {
      this.fault(error, ctx);
      return undefined;
    }
    if (written instanceof Promise) {
      return written.then(
        (outcome) => this.stored(ctx, outcome),
        (error: unknown) => this.fault(error, ctx),
      );
    }
    this.stored(ctx, written);
    return undefined;
  }

  private stored(ctx: RequestContext, outcome: EntryWrite): void {
    if (this.degraded) this.healthy();
    if (outcome) {
      this.counters.oversized += 1;
      ctx.logger.debug(
        { bytes: outcome.oversized },
        'cache: answer larger than cache.maxValueBytes, not stored',
      );
      return;
    }
    this.counters.stores += 1;
    this.emit(ctx, 'store');
  }

  private hit(
    ctx: RequestContext,
    answer: StoredAnswer | ChatResponse,
    started: number,
    coalesced: boolean,
  ): ChatResponse {
    const response = this.served(ctx, answer, coalesced);
    response.latencyMs = performance.now() - started;
    return response;
  }

  /** Counts and reports a hit, and makes this request's response of the stored answer. */
  private served(
    ctx: RequestContext,
    answer: StoredAnswer | ChatResponse,
    coalesced: boolean,
  ): ChatResponse {
    this.counters.hits += 1;
    if (coalesced) this.counters.coalesced += 1;
    this.tell(ctx, 'hit');
    this.emit(ctx, 'hit', undefined, coalesced);
    return toCachedResponse(answer, ctx.requestId, 0);
  }

  private miss(ctx: RequestContext): void {
    this.counters.misses += 1;
    this.tell(ctx, 'miss');
    this.emit(ctx, 'miss');
  }

  private bypass(ctx: RequestContext, reason: string): void {
    this.counters.bypasses += 1;
    this.tell(ctx, 'bypass');
    this.emit(ctx, 'bypass', reason);
  }

  private tell(ctx: RequestContext, outcome: CacheOutcome): void {
    const hint = cacheHintOf(ctx.metadata);
    if (!hint?.onOutcome) return;
    try {
      hint.onOutcome(outcome);
    } catch {
      // The caller's own problem; the request goes on.
    }
  }

  private emit(
    ctx: RequestContext,
    outcome: CacheEvent['outcome'],
    reason?: string,
    coalesced?: boolean,
  ): void {
    if (this.options.wanted && !this.options.wanted()) return;
    const event: CacheEvent = {
      requestId: ctx.requestId,
      operation: ctx.operation,
      outcome,
      route: ctx.route,
      at: this.options.clock.now(),
    };
    if (reason !== undefined) event.reason = reason;
    if (coalesced) event.coalesced = true;
    if (this.store) event.backend = this.store.backend;
    if (ctx.gatewayKeyId !== undefined) event.gatewayKeyId = ctx.gatewayKeyId;
    ctx.emit('cache', event);
  }

  /** A backend fault: counted, reported, logged once until the backend answers again. */
  private fault(error: unknown, ctx: RequestContext | undefined): void {
    this.counters.errors += 1;
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error);
    if (ctx) this.emit(ctx, 'error', reason);
    if (this.degraded) {
      this.options.logger.debug({ reason }, 'cache backend error (served as a miss)');
      return;
    }
    this.degraded = true;
    this.options.logger.warn(
      { backend: this.store?.backend ?? 'loading', reason },
      'Response cache unavailable: requests are served without it (misses) until it answers again',
    );
  }

  private healthy(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.options.logger.info({ backend: this.store?.backend }, 'Response cache available again');
  }
}
