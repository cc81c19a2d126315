import type { Clock } from '../internal/clock.js';
import { SlidingWindowLog, type WindowEntry, type WindowLimits } from './sliding-window.js';

/** The window of `requestsPerMinute` and `tokensPerMinute`. */
export const RATE_WINDOW_MS = 60_000;

/** A provider's rate limits, as configured under `providers[].limits`. */
export interface RateLimits {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  /** At the limit: pass the provider over (`failover`) or wait up to `maxWaitMs` (`wait`). */
  onLimit: 'failover' | 'wait';
  maxWaitMs: number;
}

/** A place in the window, held by one call. Settle it once; later calls are ignored. */
export interface RateGrant {
  readonly ok: true;
  /** The call ran: its tokens become `tokens` (its real usage), or stay as reserved when unknown. */
  settle(tokens?: number): void;
  /** The call never reached the provider: its place is given back. */
  refund(): void;
}

/** No place now; `retryAt` (epoch ms, the client's clock) is when the next one frees. */
export interface RateDenial {
  readonly ok: false;
  readonly retryAt: number;
}

export type RateDecision = RateGrant | RateDenial;

/** What the Redis window answers: admitted, or how long until a place frees. */
export type SharedRateReply = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * The window shared by every worker and host (in Redis): one atomic script per reservation. The
 * store owns its connection, its command timeout and the logging of its failures.
 */
/** One reservation asked of the shared store: a place of `tokens` under `id` in a provider's window. */
export interface SharedRateRequest {
  provider: string;
  id: string;
  tokens: number;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
  windowMs: number;
}

export interface SharedRateStore {
  /** Whether a reservation should be tried in Redis now (connected, not backing off). Never waits. */
  usable(): boolean;
  /** Reserves a place of `tokens` under `id` (unique per call). Rejects when Redis fails. */
  reserve(request: SharedRateRequest): Promise<SharedRateReply>;
  /** Corrects a reservation's tokens, or (`tokens` undefined) removes it. Never rejects. */
  adjust(provider: string, id: string, reserved: number, tokens: number | undefined): void;
}

export interface RateLimiterOptions {
  provider: string;
  limits: RateLimits;
  clock: Clock;
  /** The Redis window (`sync.backend: redis`); absent: the limit is this process's alone. */
  shared?: SharedRateStore | undefined;
  /**
   * Workers sharing the limit (the state sync's registry, as of its last heartbeat): while Redis
   * is unreachable each process admits `limit / workers` on its own. Absent or unknown: 1.
   */
  workers?: (() => number | undefined) | undefined;
  /** Unique per process, so reservation ids never collide across workers. */
  workerId: string;
  /**
   * The local window to count in (a limiter rebuilt for the same provider, e.g. by a config reload,
   * keeps counting the calls of the last minute); a new one when absent.
   */
  window?: SlidingWindowLog | undefined;
}

/** The worker count is re-read at most this often (the registry moves at heartbeat speed). */
const WORKERS_TTL_MS = 1_000;

let sequence = 0;

/**
 * One provider's `requestsPerMinute` / `tokensPerMinute`, checked before each call. With a shared
 * store the decision is Redis's (one Lua script, a sliding window log: a true per-minute bound
 * across every worker); every call this process admits is also counted in a local window. When
 * Redis is not usable (down, or a command failed or timed out; the store backs off), the local
 * window decides alone against this process's share, `floor(limit / workers)` (at least 1), and
 * its own calls of the last minute count against it; when Redis is usable again, Redis decides.
 * Without a shared store the local window holds the whole limit. Tokens are reserved before a call
 * and corrected to its usage after it.
 */
export class RateLimiter {
  readonly limits: Readonly<RateLimits>;
  private readonly window: SlidingWindowLog;
  private limitedUntil = 0;
  private workersSeen: { value: number; at: number } | undefined;

  constructor(private readonly options: RateLimiterOptions) {
    this.limits = options.limits;
    this.window = options.window ?? new SlidingWindowLog(RATE_WINDOW_MS);
  }

  /** Whether this provider has a requests or tokens limit. */
  static applies(limits: Partial<RateLimits> | undefined): boolean {
    return limits?.requestsPerMinute !== undefined || limits?.tokensPerMinute !== undefined;
  }

  /** Whether the tokens estimate matters (a `tokensPerMinute` limit is set). */
  get countsTokens(): boolean {
    return this.limits.tokensPerMinute !== undefined;
  }

  /** Whether the last decision found the provider at its limit and that place has not freed yet. */
  rateLimited(): boolean {
    return this.limitedUntil > this.options.clock.now();
  }

  /**
   * A place for one call of about `tokens` tokens (capped at `tokensPerMinute`), or when one frees.
   * Synchronous unless Redis decides; a Redis failure falls back to the local window, never throws.
   */
  reserve(tokens: number): RateDecision | Promise<RateDecision> {
    const held = this.cap(tokens);
    const shared = this.options.shared;
    if (shared?.usable()) return this.reserveShared(shared, held);
    return this.reserveLocal(held, shared !== undefined);
  }

  /** Holds no resources of its own (the shared store belongs to the fleet); for symmetry with reload. */
  close(): void {
    this.limitedUntil = 0;
  }

  private async reserveShared(shared: SharedRateStore, tokens: number): Promise<RateDecision> {
    const { provider, clock, workerId } = this.options;
    const id = `${workerId}:${(sequence += 1)}`;
    let reply: SharedRateReply;
    try {
      reply = await shared.reserve({
        provider,
        id,
        tokens,
        requestsPerMinute: this.limits.requestsPerMinute,
        tokensPerMinute: this.limits.tokensPerMinute,
        windowMs: RATE_WINDOW_MS,
      });
    } catch {
      return this.reserveLocal(tokens, true);
    }
    const now = clock.now();
    if (!reply.ok) return this.deny(now + Math.max(1, reply.retryAfterMs));
    const entry = this.window.add(now, tokens);
    return this.grant(entry, (settled) => shared.adjust(provider, id, tokens, settled));
  }

  private reserveLocal(tokens: number, fallback: boolean): RateDecision {
    const now = this.options.clock.now();
    const decision = this.window.tryAdd(now, this.localLimits(fallback, now), tokens);
    if (!decision.ok) return this.deny(decision.retryAt);
    return this.grant(decision.entry);
  }

  private grant(entry: WindowEntry, onShared?: (tokens: number | undefined) => void): RateGrant {
    let settled = false;
    return {
      ok: true,
      settle: (tokens) => {
        if (settled) return;
        settled = true;
        if (tokens === undefined || !this.countsTokens) return;
        const held = this.cap(tokens);
        if (held === entry.tokens) return;
        this.window.adjust(entry, held);
        onShared?.(held);
      },
      refund: () => {
        if (settled) return;
        settled = true;
        this.window.remove(entry);
        onShared?.(undefined);
      },
    };
  }

  private deny(retryAt: number): RateDenial {
    this.limitedUntil = Math.max(this.limitedUntil, retryAt);
    return { ok: false, retryAt };
  }

  /** The whole limit, or while Redis is unreachable this process's share of it. */
  private localLimits(fallback: boolean, now: number): WindowLimits {
    const { requestsPerMinute, tokensPerMinute } = this.limits;
    const workers = fallback ? this.workers(now) : 1;
    const share = (limit: number | undefined) =>
      limit === undefined ? undefined : Math.max(1, Math.floor(limit / workers));
    return { requests: share(requestsPerMinute), tokens: share(tokensPerMinute) };
  }

  private workers(now: number): number {
    if (!this.workersSeen || now - this.workersSeen.at >= WORKERS_TTL_MS) {
      const seen = this.options.workers?.();
      const value = seen !== undefined && Number.isFinite(seen) && seen >= 1 ? Math.floor(seen) : 1;
      this.workersSeen = { value, at: now };
    }
    return this.workersSeen.value;
  }

  private cap(tokens: number): number {
    const limit = this.limits.tokensPerMinute;
    if (limit === undefined) return 0;
    return Math.max(0, Math.min(Math.ceil(tokens), limit));
  }
}
