import { AdmissionGate } from '../resilience/admission-gate.js';
import { inspect } from 'node:util';
import type { CacheStats } from '../cache/cache-middleware.js';
import type { CacheStore } from '../cache/cache-store.js';
import { createCache } from '../cache/create-cache.js';
import type { FlexiAIConfig, FlexiAIConfigInput } from '../config/config-schema.js';
import { loadConfigFile } from '../config/load-config.js';
import type { RedisSyncConfig } from '../config/sync-config-schema.js';
import { parseConfig } from '../config/parse-config.js';
import { configEqual } from '../config/config-equal.js';
import type { AnyProviderConfigInput } from '../config/provider-config-schema.js';
import { ClientClosedError } from '../errors/client-closed-error.js';
import {
  CostTracking,
  loadRedisCostStore,
  needsRedisCostStore,
  type CostRedisStore,
} from '../cost/cost-tracking.js';
import type { CostReport, CostReportOptions } from '../cost/cost-report.js';
import type { CostEstimate } from '../cost/cost-tracker.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { systemClock, type Clock } from '../internal/clock.js';
import { createLogger, type Logger } from '../internal/logger.js';
import type { Provider } from '../providers/provider.js';
import { createDefaultProviderRegistry, type ProviderRegistry } from '../providers/registry.js';
import type { CircuitChangeListener } from '../resilience/circuit-breaker.js';
import {
  MemoryStateSync,
  type CircuitStateSync,
  type StateSyncFactory,
  type SyncStatus,
} from '../state/circuit-state-sync.js';
import type { AskFunction } from '../simple/ask.js';
import type { CallOptions } from '../simple/call-options.js';
import type { ChatDecorator } from '../simple/chat-decorator.js';
import type { FnFactory } from '../simple/fn.js';
import { setGlobalClient, setOwnedGlobalClient } from '../simple/global-client.js';
import { bindSimpleApi, type SimpleApi } from '../simple/simple-api.js';
import type { DashboardFigures } from '../observability/dashboard-figures.js';
import type { MetricsSnapshot } from '../observability/metrics-snapshot.js';
import { Observability } from '../observability/observability.js';
import type { ServerTracing } from '../observability/server-tracing.js';
import { createWorkerId } from '../state/worker-id.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ChatClient, ServableClient } from './chat-client.js';
import type { EmbedRequest, EmbedResponse } from '../types/embedding.js';
import { runBatch, type BatchOptions, type BatchResult } from './batch.js';
import { ChatExecutor } from './chat-executor.js';
import { ChatStream, onStreamSettled } from './chat-stream.js';
import { ClientEvents } from './client-events.js';
import type { ClientEventListener, ClientEventType } from './event-types.js';
import type { ChatMiddleware } from './middleware/chat-middleware.js';
import { transformRequest } from './middleware/compose.js';
import {
  checkReloadable,
  describeChanges,
  diffConfig,
  type ConfigStatus,
  type ReloadResult,
} from './config-reload.js';
import { Generation } from './generation.js';
import { defaultsMiddleware } from './middleware/defaults-middleware.js';
import { loggingMiddleware } from './middleware/logging-middleware.js';
import { parseChatRequest } from './parse-chat-request.js';
import { parseEmbedRequest } from './parse-embed-request.js';
import { ProviderFleet, type RegisterProviderOptions } from './provider-fleet.js';
import type { ProviderRegistry as Registry } from '../providers/registry.js';
import type { ProviderStatus } from './provider-status.js';
import type { RequestContext, RequestOptions } from './request-context.js';
import { RequestRecord, recordOf } from './request-record.js';
import { RequestStatsRecorder, type RequestStats } from './request-stats.js';
import type { RateStore } from './rate-limits.js';
import { RateLimiter } from '../resilience/rate-limiter.js';
import { AttemptSettler } from './settle-attempt.js';

export type { RegisterProviderOptions } from './provider-fleet.js';
export type { ConfigChanges, ConfigStatus, LastReload, ReloadResult } from './config-reload.js';

/** The environment `create` / `fromFile` parsed with, kept for `updateConfig` (internal). */
const RELOAD_ENV = Symbol('flexiai.reloadEnv');
type InternalOptions = FlexiAIOptions & {
  [RELOAD_ENV]?: Record<string, string | undefined> | false | undefined;
};

export interface FlexiAIOptions {
  /** A pino-compatible logger; pino at `logging.level` by default. */
  logger?: Logger;
  /** Time source and timers of every time rule (circuit deadlines, cooldowns, backoff waits). */
  clock?: Clock;
  /** Randomness of backoff jitter, in [0, 1). */
  random?: () => number;
  /** Environment for `${VAR}` and FLEXIAI_* overrides; `process.env` by default, `false` for none. */
  env?: Record<string, string | undefined> | false;
  /** Provider factories; the built-in types by default. */
  registry?: ProviderRegistry;
  /**
   * Shares circuit state across processes: a state sync, or a factory given the validated `sync`
   * section (e.g. `createRedisStateSync` from `flexiai/redis`). In-memory by default;
   * `FlexiAI.create()` loads the Redis backend itself when `sync.backend` is `redis`.
   */
  stateSync?: CircuitStateSync | StateSyncFactory;
  /** Middleware installed at construction, as if passed to `use()`. */
  middleware?: readonly ChatMiddleware[];
  /** The response cache's store, instead of the `cache.backend` one (the `cache` section still applies). */
  cacheStore?: CacheStore;
  /** Shared budget counters and ledger (`FlexiAI.create()` loads it when budgets or the ledger use Redis). */
  costStore?: CostRedisStore;
  /**
   * The window of `limits.requestsPerMinute` / `tokensPerMinute` shared across processes
   * (`FlexiAI.create()` loads the Redis one when `sync.backend` is redis). Absent: per process.
   */
  rateLimitStore?: RateStore;
}

/**
 * The client: one API over every configured provider, with ordered failover, a circuit breaker per
 * provider, retries that honour Retry-After, middleware and events. A thin facade over the
 * provider fleet (slots, breakers, shared state) and the chat executor (route, failover, settle).
 */
export class FlexiAI implements ServableClient {
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly registry: Registry;
  private readonly stateSync: CircuitStateSync;
  private readonly cacheStore: CacheStore | undefined;
  private readonly rateLimitStore: RateStore | undefined;
  private readonly reloadEnv: Record<string, string | undefined> | false | undefined;
  private readonly events: ClientEvents;
  private readonly stats = new RequestStatsRecorder();
  private readonly observability: Observability;
  private readonly cost: CostTracking;
  /** The configuration in force and what it built; requests keep the one they started on. */
  private gen!: Generation;
  /** Middleware added with `use()` (and `options.middleware`): kept across reloads. */
  private userMiddleware: ChatMiddleware[] = [];
  private capture: ChatMiddleware | undefined;
  /** Adapters and caches retired by reloads, closed once their requests end (or at `close`). */
  private readonly retired = new Set<{ close(): Promise<void> }>();
  private reloading: Promise<unknown> = Promise.resolve();
  private configStatus: ConfigStatus;
  private lastUsed: string | undefined;
  private closed = false;

  constructor(config: FlexiAIConfigInput, options: FlexiAIOptions = {}) {
    const parsed = parseConfig(config, { env: options.env });
    const internal = options as InternalOptions;
    this.reloadEnv = RELOAD_ENV in internal ? internal[RELOAD_ENV] : options.env;
    this.logger = options.logger ?? createLogger({ level: parsed.logging.level });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.registry = options.registry ?? createDefaultProviderRegistry();
    this.cacheStore = options.cacheStore;
    this.rateLimitStore = options.rateLimitStore;
    if (parsed.sync.backend === 'redis' && !options.stateSync) {
      throw new ConfigurationError(
        'sync.backend is "redis": use `await FlexiAI.create(config)`, or pass `createRedisStateSync` from "flexiai/redis" as options.stateSync',
      );
    }
    if (parsed.sync.backend === 'redis' && !options.rateLimitStore) {
      const limited = parsed.providers.filter((p) => RateLimiter.applies(p.limits));
      if (limited.length > 0) {
        this.logger.warn(
          { providers: limited.map((p) => p.name) },
          'rate limits are per process: sync.backend is redis but no rate-limit store was given (use `await FlexiAI.create(config)` to share them)',
        );
      }
    }
    this.stateSync =
      typeof options.stateSync === 'function'
        ? options.stateSync({ sync: parsed.sync, logger: this.logger, clock: this.clock })
        : (options.stateSync ?? new MemoryStateSync());
    this.events = new ClientEvents(this.logger);
    this.cost = new CostTracking({
      config: parsed,
      logger: this.logger,
      redis: options.costStore,
      resolve: (route) =>
        this.gen.fleet.router
          .resolve(route)
          .map((c) => ({ provider: c.slot.name, model: c.model })),
    });
    this.configStatus = {
      loadedAt: this.clock.now(),
      reloads: 0,
      failedReloads: 0,
      lastReload: null,
    };
    this.stats.listenTo(this.events);
    this.events.on('request', (event) => {
      if (event.ok && event.provider && !event.cached) this.lastUsed = event.provider;
    });
    this.events.on('request', this.cost.onRequest);
    const fleet = new ProviderFleet(this.fleetOptions(parsed));
    // The fleet in force (observability reads it while being built, before the first generation).
    const current = (): ProviderFleet => (this.gen as Generation | undefined)?.fleet ?? fleet;
    this.observability = new Observability({
      on: (type, listener) => this.events.on(type, listener),
      providerStatus: () => current().status(),
      syncStatus: () => current().syncStatus(),
      knownModels: () => current().router.knownModels(),
      clock: this.clock,
      logger: this.logger,
      metrics: parsed.observability.metrics,
      tracing: parsed.observability.tracing,
    });
    this.capture = this.observability.contentMiddleware();
    this.gen = this.build(parsed, fleet, createCache(parsed, this.cacheDeps()), undefined);
    fleet.activate();
    this.use(...(options.middleware ?? []));
  }

  /** The configuration in force (parsed: defaults filled, secrets wrapped); replaced by `updateConfig`. */
  get config(): FlexiAIConfig {
    return this.gen.config;
  }

  /**
   * Creates a client and waits until it is ready to serve: with `sync.backend: redis` it loads the
   * Redis backend (`ioredis` must be installed) and reads the shared circuit states first, so a
   * fresh worker honours circuits other workers opened. Redis being down never fails this: after
   * `sync.startupTimeoutMs` the client serves from local state and keeps reconnecting.
   */
  static async create(
    config: FlexiAIConfigInput,
    options: FlexiAIOptions & { signal?: AbortSignal } = {},
  ): Promise<FlexiAI> {
    const { signal, ...rest } = options;
    const parsed = parseConfig(config, { env: options.env });
    const internal = options as InternalOptions;
    const reloadEnv = RELOAD_ENV in internal ? internal[RELOAD_ENV] : options.env;
    const stateSync =
      rest.stateSync ??
      (parsed.sync.backend === 'redis' ? await loadRedisStateSyncFactory() : undefined);
    const costStore =
      rest.costStore ??
      (needsRedisCostStore(parsed) && parsed.sync.backend === 'redis'
        ? await loadRedisCostStore(parsed.sync, createWorkerId())
        : undefined);
    // One logger for the client and the rate-limit store (the default the constructor would make).
    const logger = rest.logger ?? createLogger({ level: parsed.logging.level });
    const rateLimitStore =
      rest.rateLimitStore ??
      (parsed.sync.backend === 'redis'
        ? await loadRedisRateLimitStore(
            parsed.sync,
            parsed.sync.workerId ?? createWorkerId(),
            logger,
          )
        : undefined);
    const internalOptions: InternalOptions = {
      ...rest,
      logger,
      env: false,
      [RELOAD_ENV]: reloadEnv,
      ...(stateSync ? { stateSync } : {}),
      ...(costStore ? { costStore } : {}),
      ...(rateLimitStore ? { rateLimitStore } : {}),
    };
    const ai = new FlexiAI(parsed, internalOptions);
    await ai.ready({ signal });
    return ai;
  }

  /** Creates a client from a JSON or YAML configuration file (see `create`). */
  static async fromFile(
    path: string,
    options: FlexiAIOptions & { signal?: AbortSignal } = {},
  ): Promise<FlexiAI> {
    const config = await loadConfigFile(path, { env: options.env });
    const internalOptions: InternalOptions & { signal?: AbortSignal } = {
      ...options,
      env: false,
      [RELOAD_ENV]: options.env,
    };
    return FlexiAI.create(config, internalOptions);
  }

  /** Resolves once shared circuit state has been read (at once in memory mode). Never rejects for Redis. */
  async ready(options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    await Promise.all([
      this.gen.fleet.ready(options.signal),
      this.gen.cache?.ready(),
      this.observability.ready,
    ]);
  }

  /**
   * Adds middleware around every request; the first given runs outermost, and middleware added
   * later runs inside what was there. Returns the client, for chaining.
   */
  use(...middleware: ChatMiddleware[]): this {
    for (const m of middleware) {
      if (!m || typeof m.name !== 'string' || m.name === '') {
        throw new ConfigurationError('A middleware needs a non-empty `name`');
      }
    }
    this.userMiddleware = [...this.userMiddleware, ...middleware];
    this.gen.compose(this.userMiddleware);
    return this;
  }

  /**
   * Subscribes to the client's events: `request` (each call's end), `attempt` (each upstream call
   * or skip), `circuit`, `cooldown`, and middleware's `cache` and `budget`. The same events are
   * published on node:diagnostics_channel as `flexiai:<type>`. Returns the unsubscribe function.
   */
  on<K extends ClientEventType>(type: K, listener: ClientEventListener<K>): () => void {
    return this.events.on(type, listener);
  }

  /** Sends a chat request to the first provider that can serve it. */
  async chatCompletion(input: ChatRequest, options?: RequestOptions): Promise<ChatResponse> {
    if (this.closed) throw new ClientClosedError();
    const gen = this.gen;
    const request = parseChatRequest(input);
    const record = new RequestRecord(gen.recordDeps, request, 'chat', options);
    gen.enter();
    try {
      const response = await gen.chatHandler(
        gen.transforms ? await this.transform(gen, request, record) : request,
        record,
      );
      record.finish({ ok: true, response });
      return response;
    } catch (error) {
      record.finish({ ok: false, error });
      throw error;
    } finally {
      gen.leave();
    }
  }

  /**
   * Streams a chat completion with the streaming failover contract: before the first text or
   * tool-call delta every failure fails over transparently; after it, a failure ends the stream
   * with a StreamInterruptedError. Invalid requests and unknown models throw here, synchronously
   * (after an async `transformRequest`, at the first read).
   */
  chatCompletionStream(input: ChatRequest, options?: RequestOptions): ChatStream {
    if (this.closed) throw new ClientClosedError();
    const gen = this.gen;
    const request = parseChatRequest(input);
    const record = new RequestRecord(gen.recordDeps, request, 'stream', options);
    let stream: ChatStream;
    gen.enter();
    try {
      const transformed = gen.transforms
        ? transformRequest(gen.middleware, request, record)
        : request;
      stream =
        transformed instanceof Promise
          ? ChatStream.defer(async () =>
              gen.streamHandler(this.validated(await transformed, record), record),
            )
          : gen.streamHandler(
              gen.transforms ? this.validated(transformed, record) : transformed,
              record,
            );
    } catch (error) {
      gen.leave();
      record.finish({ ok: false, error });
      throw error;
    }
    onStreamSettled(stream, (outcome) => {
      gen.leave();
      record.finish(outcome);
    });
    return stream;
  }

  /**
   * What a request would cost on the provider its route tries first, before sending it: prompt
   * tokens (OpenAI's tokenizer for OpenAI models, an approximation elsewhere), and the cost of the
   * prompt alone (`minUsd`) and with `maxTokens` of output (`maxUsd`). No upstream call.
   */
  async estimateCost(input: ChatRequest): Promise<CostEstimate> {
    return this.cost.tracker.estimate(parseChatRequest(input));
  }

  /** Spend from the ledger, by provider, model, route, gateway key and/or day; totals are exact. */
  async getCostReport(options: CostReportOptions = {}): Promise<CostReport> {
    return this.cost.tracker.report(options);
  }

  /**
   * Prices an embeddings call from its input tokens (for `ai.embed`); `{}` when the model has no
   * known price. Calls settled through the AttemptSettler are priced and recorded already.
   */
  priceEmbedding(
    provider: string,
    model: string,
    usage: { promptTokens: number },
  ): { costUsd?: number } {
    const { costUsd } = this.cost.tracker.priceEmbedding(provider, model, usage);
    return costUsd === undefined ? {} : { costUsd };
  }

  /**
   * Embeds one text or many: one vector per input, in input order. Fails over only among providers
   * serving the same embedding model and dimensions, with the same breakers, retries and events as
   * chat (`operation: 'embed'`). Large inputs are split into calls of at most each provider's
   * per-call limit. Chat middleware does not run for embeddings.
   */
  async embed(input: EmbedRequest, options?: RequestOptions): Promise<EmbedResponse> {
    if (this.closed) throw new ClientClosedError();
    const gen = this.gen;
    const request = parseEmbedRequest(input);
    const record = new RequestRecord(gen.recordDeps, request, 'embed', options);
    gen.enter();
    try {
      const response = await gen.executor.embed(request, record);
      const { costUsd } = this.priceEmbedding(response.provider, response.model, response.usage);
      if (costUsd !== undefined) response.costUsd = costUsd;
      record.finish({ ok: true, response });
      return response;
    } catch (error) {
      record.finish({ ok: false, error });
      throw error;
    } finally {
      gen.leave();
    }
  }

  /**
   * Runs many chat requests with bounded concurrency: results in input order, one
   * `{ ok, response | error }` per request, never one failure failing the batch. Pauses while every
   * provider cools down (Retry-After) instead of failing items; an abort stops new work.
   */
  async batch(
    requests: readonly ChatRequest[],
    options: BatchOptions = {},
  ): Promise<BatchResult[]> {
    if (this.closed) throw new ClientClosedError();
    return runBatch(this, requests, { clock: this.clock, ...options });
  }

  /** Every name a request may use as `model`: routes, providers and model ids. */
  knownModels(): string[] {
    return this.gen.fleet.router.knownModels();
  }

  /** Every provider with its circuit state, cooldown and health. */
  getProviderStatus(): ProviderStatus[] {
    return this.gen.fleet.status();
  }

  /** How circuit state is shared (memory, or a connected/degraded shared backend). */
  getSyncStatus(): SyncStatus {
    return this.gen.fleet.syncStatus();
  }

  /** Closes one provider's circuit (and clears its cooldown), or every provider's. */
  resetCircuitBreakers(name?: string): void {
    this.gen.fleet.reset(name);
  }

  /** Tries this provider first for default and model-id routes (explicit routes keep their order). */
  setPrimaryProvider(name: string): void {
    this.gen.fleet.setPrimary(name);
  }

  /** The provider that served the most recent successful request. */
  getLastUsedProvider(): string | undefined {
    return this.lastUsed;
  }

  /**
   * Every metric at this instant: request and attempt counters by provider, model, route, outcome
   * and error code, fixed-bucket latency and TTFT histograms, tokens, cost, failovers, circuit and
   * cooldown gauges, cache and budget events, sync health (see docs/observability.md).
   */
  getMetrics(): MetricsSnapshot {
    return this.observability.snapshot();
  }

  /** Rates and percentiles over the last minute, as the gateway's dashboard shows them. */
  getDashboardFigures(): DashboardFigures {
    return this.observability.figures();
  }

  /** The gateway's server spans, when `observability.tracing` is on and loaded. */
  serverTracing(): ServerTracing | undefined {
    return this.observability.server();
  }

  getRequestStats(): RequestStats {
    return this.stats.snapshot();
  }

  /** The response cache's counters (hits, misses, stores, backend errors, ...); undefined without a cache. */
  getCacheStats(): CacheStats | undefined {
    return this.gen.cache?.stats();
  }

  /** Subscribes to every provider's circuit transitions (same as `on('circuit', ...)`). */
  onCircuitStateChange(listener: CircuitChangeListener): () => void {
    return this.events.on('circuit', listener);
  }

  /** Adds a provider at run time, from a provider config or a ready Provider instance. */
  registerProvider(
    provider: AnyProviderConfigInput | Provider,
    options: RegisterProviderOptions = {},
  ): void {
    if (this.closed) throw new ClientClosedError();
    this.gen.fleet.register(provider, options);
  }

  /**
   * Hot reload: validates `config` (same `${VAR}` / FLEXIAI_* handling as construction) and puts
   * it in force for requests that start from now on; requests and streams under way finish on the
   * configuration they started with. Providers (matched by name), routes, defaults, retry, circuit
   * breaker settings, limits, budgets, cache and pricing change. A provider that stays keeps its
   * circuit state (the same breaker when its breaker settings are unchanged) and, when its
   * connection settings are unchanged, its adapter and pool; removed adapters close once the
   * requests that may use them have ended. Middleware added with `use()`, event listeners,
   * metrics and the cost ledger stay. An invalid config throws a ConfigurationError naming the
   * field paths, and nothing changes; so does a change of `sync`. Calls are serialized.
   * See docs/operations.md.
   */
  updateConfig(config: FlexiAIConfigInput): Promise<ReloadResult> {
    return this.serialized(() => parseConfig(config, { env: this.reloadEnv }));
  }

  /**
   * `updateConfig` from a JSON or YAML file; a file that cannot be read or parsed is a refused
   * reload like an invalid config (recorded in `getConfigStatus()`). `env` defaults to the
   * environment the client was created with.
   */
  updateConfigFromFile(
    path: string,
    options: { env?: Record<string, string | undefined> | false } = {},
  ): Promise<ReloadResult> {
    return this.serialized(() =>
      loadConfigFile(path, { env: 'env' in options ? options.env : this.reloadEnv }),
    );
  }

  /** When the configuration in force was loaded, how many reloads succeeded or failed, and the last one. */
  getConfigStatus(): ConfigStatus {
    const { lastReload } = this.configStatus;
    return { ...this.configStatus, lastReload: lastReload ? { ...lastReload } : null };
  }

  private serialized(load: () => FlexiAIConfig | Promise<FlexiAIConfig>): Promise<ReloadResult> {
    const run = this.reloading.then(() => this.reload(load));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async reload(load: () => FlexiAIConfig | Promise<FlexiAIConfig>): Promise<ReloadResult> {
    const at = this.clock.now();
    try {
      if (this.closed) throw new ClientClosedError();
      const next = await load();
      const before = this.gen;
      const warnings = checkReloadable(before.config, next);
      const costStore =
        needsRedisCostStore(next) && !this.cost.hasRedis && next.sync.backend === 'redis'
          ? await loadRedisCostStore(next.sync, createWorkerId())
          : undefined;
      const keepCache = before.cache !== undefined && configEqual(before.config.cache, next.cache);
      const cache = keepCache ? before.cache : createCache(next, this.cacheDeps());
      let fleet: ProviderFleet;
      try {
        await cache?.ready();
        if (this.closed) throw new ClientClosedError();
        fleet = new ProviderFleet(this.fleetOptions(next), before.fleet);
      } catch (error) {
        if (cache && !keepCache && !this.cacheStore) void cache.close().catch(() => undefined);
        await costStore?.close();
        throw error;
      }
      // From here on nothing throws: the new configuration goes into force at once.
      this.cost.reconfigure(next, costStore);
      fleet.activate(before.fleet);
      this.gen = this.build(next, fleet, cache, before);
      const retired: { close(): Promise<void> }[] = fleet.retiredFrom(before.fleet);
      // A store of the caller's own (options.cacheStore) is theirs to close.
      if (before.cache && !keepCache && !this.cacheStore) retired.push(before.cache);
      this.retireWhenDrained(before, retired);
      const changes = diffConfig(before.config, next);
      this.configStatus = {
        loadedAt: at,
        reloads: this.configStatus.reloads + 1,
        failedReloads: this.configStatus.failedReloads,
        lastReload: { at, ok: true, changes, ...(warnings.length ? { warnings } : {}) },
      };
      this.logger.info({ changes }, `config reloaded: ${describeChanges(changes)}`);
      for (const warning of warnings) this.logger.warn(warning);
      this.events.emit('reload', { ok: true, changes, warnings, at });
      return { ok: true, at, changes, warnings };
    } catch (error) {
      const issues = error instanceof ConfigurationError ? [...error.issues] : [];
      const message = error instanceof Error ? error.message : String(error);
      this.configStatus = {
        ...this.configStatus,
        failedReloads: this.configStatus.failedReloads + 1,
        lastReload: { at, ok: false, error: message, ...(issues.length ? { issues } : {}) },
      };
      const paths = issues.map((i) => i.path || '(root)');
      this.logger.error(
        { paths },
        `config reload refused, the previous configuration keeps serving: ${
          paths.length ? `invalid ${paths.join(', ')}` : message
        }`,
      );
      this.events.emit('reload', { ok: false, error: message, issues, at });
      throw error;
    }
  }

  /** Closes what a reload retired once the requests that started before it have ended. */
  private retireWhenDrained(before: Generation, retired: { close(): Promise<void> }[]): void {
    if (retired.length === 0) return;
    for (const r of retired) this.retired.add(r);
    void before.whenDrained().then(async () => {
      await Promise.all(
        retired.map(async (r) => {
          if (!this.retired.delete(r)) return; // closed by close() already
          await r.close().catch((error: unknown) => {
            this.logger.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'closing a provider or cache retired by a reload failed',
            );
          });
        }),
      );
    });
  }

  private fleetOptions(config: FlexiAIConfig) {
    return {
      config,
      logger: this.logger,
      clock: this.clock,
      registry: this.registry,
      stateSync: this.stateSync,
      events: this.events,
      rateStore: this.rateLimitStore,
    };
  }

  private cacheDeps() {
    return {
      clock: this.clock,
      logger: this.logger,
      store: this.cacheStore,
      wanted: () => this.events.wanted('cache'),
    };
  }

  /** What one configuration builds over a fleet: executor, built-in middleware, record deps. */
  private build(
    config: FlexiAIConfig,
    fleet: ProviderFleet,
    cache: Generation['cache'],
    before: Generation | undefined,
  ): Generation {
    const previousGate = before?.executor.admission;
    const admission =
      previousGate && configEqual(previousGate.limits, config.limits)
        ? previousGate
        : new AdmissionGate(config.limits);
    const executor = new ChatExecutor({
      fleet,
      retry: config.retry,
      clock: this.clock,
      random: this.random,
      settler: new AttemptSettler({
        clock: this.clock,
        events: this.events,
        retry: config.retry,
        priceAttempt: this.cost.tracker.priceAttempt,
      }),
      admission,
    });
    const builtIn: ChatMiddleware[] = [...this.cost.middleware()];
    if (this.capture) builtIn.push(this.capture);
    if (config.logging.logContent) builtIn.push(loggingMiddleware({ content: true }));
    if (config.defaults) builtIn.push(defaultsMiddleware(config.defaults));
    if (cache) builtIn.push(cache);
    return new Generation(
      {
        config,
        fleet,
        executor,
        cache,
        builtIn,
        recordDeps: {
          logger: this.logger,
          logContent: config.logging.logContent,
          clock: this.clock,
          events: this.events,
        },
      },
      this.userMiddleware,
    );
  }

  /** Stops accepting calls, closes the state sync and every provider's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.observability.close();
    await this.reloading.catch(() => undefined);
    const retired = [...this.retired];
    this.retired.clear();
    await Promise.all([
      this.gen.fleet.close(),
      this.gen.cache?.close(),
      ...retired.map((r) => r.close().catch(() => undefined)),
    ]);
    await this.cost.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What `console.log(client)` shows: providers and their states, never a credential. */
  [inspect.custom](): string {
    return `FlexiAI { ${this.gen.fleet.describe()}${this.closed ? ', closed' : ''} }`;
  }

  private async transform(
    gen: Generation,
    request: ChatRequest,
    ctx: RequestContext,
  ): Promise<ChatRequest> {
    return this.validated(await transformRequest(gen.middleware, request, ctx), recordOf(ctx));
  }

  /** A transformed request, validated again; the record remembers it so it is not parsed twice. */
  private validated(request: ChatRequest, record: RequestRecord): ChatRequest {
    const parsed = parseChatRequest(request);
    record.validated = parsed;
    return parsed;
  }

  // Simple API (src/simple, docs/simple-api.md): thin bindings of this client. Getters and
  // methods, not fields: tsup's CommonJS build (sucrase) rewrites a class field named like an
  // export (`ask`, `fn`, `chat`) into an assignment to that export.
  private simple: SimpleApi | undefined;
  /** One question, the answer's text; with `schema`, the validated value. */
  get ask(): AskFunction {
    return (this.simple ??= bindSimpleApi(this)).ask;
  }
  /** Wraps a function mapping arguments to a prompt into a typed model call. */
  get fn(): FnFactory {
    return (this.simple ??= bindSimpleApi(this)).fn;
  }
  /** `@ai.chat(options)`: a decorated method's body returns the prompt; callers get the answer. */
  get chat(): ChatDecorator {
    return (this.simple ??= bindSimpleApi(this)).chat;
  }
  /** A client from `config` becomes the global one of `chat`, `ask` and `fn` (the previous one it made is closed). */
  static setGlobalConfig(
    config: FlexiAIConfigInput,
    defaults?: CallOptions,
    options?: FlexiAIOptions,
  ): FlexiAI {
    const ai = new FlexiAI(config, options);
    setOwnedGlobalClient(ai, defaults, () => ai.close());
    return ai;
  }
  /** Makes `ai` the global client of `chat`, `ask` and `fn`; you keep owning (and closing) it. */
  static setGlobalClient(ai: ChatClient, defaults?: CallOptions): void {
    setGlobalClient(ai, defaults);
  }
}

/** `createRedisStateSync`, loaded only when configured (ioredis is an optional peer dependency). */
async function loadRedisStateSyncFactory(): Promise<StateSyncFactory> {
  try {
    const { createRedisStateSync } = await import('../state/redis/index.js');
    return createRedisStateSync;
  } catch (cause) {
    throw new ConfigurationError(
      'sync.backend is "redis" but the Redis backend could not be loaded; install it with `npm install ioredis`',
      { cause },
    );
  }
}

/**
 * The Redis rate-limit store, loaded only when `sync.backend` is redis (ioredis is an optional
 * peer). It connects lazily, so it costs nothing until a limit is checked; it is loaded even when
 * no provider sets a limit yet, so limits a reload adds are shared too.
 */
async function loadRedisRateLimitStore(
  sync: RedisSyncConfig,
  workerId: string,
  logger: Logger,
): Promise<RateStore> {
  try {
    const { RedisRateLimitStore } = await import('../state/redis/redis-rate-limit-store.js');
    return new RedisRateLimitStore({ config: sync, workerId, logger });
  } catch (cause) {
    throw new ConfigurationError(
      'sync.backend is "redis" but the Redis backend could not be loaded; install it with `npm install ioredis`',
      { cause },
    );
  }
}

/** Same as `FlexiAI.create`. */
export const createFlexiAI = (
  config: FlexiAIConfigInput,
  options?: FlexiAIOptions & { signal?: AbortSignal },
): Promise<FlexiAI> => FlexiAI.create(config, options);
