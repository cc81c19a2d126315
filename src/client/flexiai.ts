import { inspect } from 'node:util';
import type { FlexiAIConfig, FlexiAIConfigInput } from '../config/config-schema.js';
import { loadConfigFile } from '../config/load-config.js';
import { parseConfig } from '../config/parse-config.js';
import {
  providerConfigSchema,
  type ProviderConfig,
  type ProviderConfigInput,
} from '../config/provider-config-schema.js';
import { ClientClosedError } from '../errors/client-closed-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { systemClock, type Clock } from '../internal/clock.js';
import { createCorrelationId } from '../internal/ids.js';
import { createLogger, type Logger } from '../internal/logger.js';
import { toPathIssues } from '../internal/zod-issues.js';
import type { Provider } from '../providers/provider.js';
import { createDefaultProviderRegistry, type ProviderRegistry } from '../providers/registry.js';
import {
  CircuitBreaker,
  type CircuitChangeEvent,
  type CircuitChangeListener,
} from '../resilience/circuit-breaker.js';
import { AdmissionGate } from '../resilience/admission-gate.js';
import { ProviderLimiter, providerLimits } from '../resilience/provider-limiter.js';
import {
  MemoryStateSync,
  type CircuitStateSync,
  type StateSyncFactory,
  type SyncStatus,
} from '../state/circuit-state-sync.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import { admittedStream } from './admitted-stream.js';
import { ChatStream } from './chat-stream.js';
import { runFailover } from './failover.js';
import { parseChatRequest } from './parse-chat-request.js';
import type { ProviderSlot } from './provider-slot.js';
import type { ProviderStatus } from './provider-status.js';
import { RequestLog } from './request-log.js';
import { RequestStatsRecorder, type RequestStats } from './request-stats.js';
import { Router } from './router.js';
import { runChatStream } from './run-chat-stream.js';

export interface FlexiAIOptions {
  /** A pino-compatible logger; pino at `logging.level` by default. */
  logger?: Logger;
  /** Time source of every time rule (circuit deadlines, cooldowns, backoff). */
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
}

export interface RegisterProviderOptions {
  priority?: number;
  circuitBreaker?: Partial<FlexiAIConfig['circuitBreaker']>;
}

/**
 * The client: one API over every configured provider, with ordered failover, a circuit breaker per
 * provider, retries that honour Retry-After, and per-request correlation ids.
 */
export class FlexiAI {
  readonly config: FlexiAIConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly registry: ProviderRegistry;
  private readonly stateSync: CircuitStateSync;
  private readonly router: Router;
  private readonly stats = new RequestStatsRecorder();
  private readonly listeners = new Set<CircuitChangeListener>();
  private slots: ProviderSlot[] = [];
  /** Client-wide admission control (config `limits`). */
  private readonly admission: AdmissionGate;
  private lastUsed: string | undefined;
  private closed = false;

  constructor(config: FlexiAIConfigInput, options: FlexiAIOptions = {}) {
    this.config = parseConfig(config, { env: options.env });
    this.logger = options.logger ?? createLogger({ level: this.config.logging.level });
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.registry = options.registry ?? createDefaultProviderRegistry();
    if (this.config.sync.backend === 'redis' && !options.stateSync) {
      throw new ConfigurationError(
        'sync.backend is "redis": use `await FlexiAI.create(config)`, or pass `createRedisStateSync` from "flexiai/redis" as options.stateSync',
      );
    }
    this.stateSync =
      typeof options.stateSync === 'function'
        ? options.stateSync({ sync: this.config.sync, logger: this.logger, clock: this.clock })
        : (options.stateSync ?? new MemoryStateSync());
    this.router = new Router(this.config.routes);
    this.admission = new AdmissionGate(this.config.limits);
    this.config.providers.forEach((providerConfig) => {
      this.addSlot(this.registry.create(providerConfig, this.deps()), providerConfig, {});
    });
    this.router.setSlots(this.slots);
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
    const stateSync =
      rest.stateSync ??
      (parsed.sync.backend === 'redis' ? await loadRedisStateSyncFactory() : undefined);
    const ai = new FlexiAI(parsed, { ...rest, env: false, ...(stateSync ? { stateSync } : {}) });
    await ai.ready({ signal });
    return ai;
  }

  /** Creates a client from a JSON or YAML configuration file (see `create`). */
  static async fromFile(
    path: string,
    options: FlexiAIOptions & { signal?: AbortSignal } = {},
  ): Promise<FlexiAI> {
    const config = await loadConfigFile(path, { env: options.env });
    return FlexiAI.create(config, { ...options, env: false });
  }

  /** Resolves once shared circuit state has been read (at once in memory mode). Never rejects for Redis. */
  async ready(options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    await this.stateSync.ready?.(options.signal ? { signal: options.signal } : {});
  }

  /** Sends a chat request to the first provider that can serve it. */
  async chatCompletion(input: ChatRequest): Promise<ChatResponse> {
    if (this.closed) throw new ClientClosedError();
    const request = parseChatRequest(input);
    const candidates = this.router.resolve(request.model);
    const correlationId = request.correlationId ?? createCorrelationId();
    const log = new RequestLog(this.logger, correlationId, this.config.logging.logContent);
    const { signal, correlationId: _id, model: _model, ...rest } = request;
    const lease = await this.admission.enter(signal);
    const started = performance.now();
    this.stats.requestStarted();
    if (log.logContent) log.logger.debug({ messages: request.messages }, 'chat request');
    try {
      const { value, candidate, attempts } = await runFailover({
        candidates,
        retry: this.config.retry,
        clock: this.clock,
        random: this.random,
        signal,
        stats: this.stats,
        log,
        call: ({ slot, model }) =>
          slot.provider.chat({ ...rest, model }, { signal, correlationId, logger: log }),
      });
      this.lastUsed = candidate.slot.name;
      this.stats.requestSucceeded(candidate !== candidates[0]);
      if (log.logContent)
        log.logger.debug({ content: value.content, toolCalls: value.toolCalls }, 'chat response');
      return {
        ...value,
        provider: candidate.slot.name,
        attempts,
        latencyMs: performance.now() - started,
        correlationId,
      };
    } catch (error) {
      this.stats.requestFailed();
      throw error;
    } finally {
      lease.release();
    }
  }

  /**
   * Streams a chat completion with the streaming failover contract: before the first text or
   * tool-call delta every failure fails over transparently; after it, a failure ends the stream
   * with a StreamInterruptedError. Invalid requests and unknown models throw here, synchronously.
   */
  chatCompletionStream(input: ChatRequest): ChatStream {
    if (this.closed) throw new ClientClosedError();
    const request = parseChatRequest(input);
    const candidates = this.router.resolve(request.model).filter((c) => c.slot.provider.chatStream);
    if (candidates.length === 0) {
      throw new ConfigurationError(
        `No provider for model "${request.model ?? 'default'}" supports streaming`,
      );
    }
    const correlationId = request.correlationId ?? createCorrelationId();
    const log = new RequestLog(this.logger, correlationId, this.config.logging.logContent);
    const { signal: callerSignal, correlationId: _id, model: _model, ...rest } = request;
    if (log.logContent) log.logger.debug({ messages: request.messages }, 'chat stream request');
    return new ChatStream(
      admittedStream(this.admission, callerSignal, (streamSignal, done, commit) =>
        runChatStream(
          {
            candidates,
            retry: this.config.retry,
            clock: this.clock,
            random: this.random,
            stats: this.stats,
            log,
            request: rest,
            correlationId,
            signal: callerSignal ? AbortSignal.any([callerSignal, streamSignal]) : streamSignal,
            onServed: (name) => {
              this.lastUsed = name;
            },
          },
          (response) => {
            if (log.logContent)
              log.logger.debug(
                { content: response.content, toolCalls: response.toolCalls },
                'chat stream response',
              );
            done(response);
          },
          commit,
        ),
      ),
    );
  }

  /** Every provider with its circuit state, cooldown and health. */
  getProviderStatus(): ProviderStatus[] {
    return this.slots.map((slot) => {
      const snapshot = slot.breaker.snapshot();
      const cooling = snapshot.cooldownUntil !== null && snapshot.cooldownUntil > this.clock.now();
      return {
        name: slot.name,
        type: slot.provider.type,
        model: slot.provider.model,
        priority: slot.priority,
        enabled: slot.enabled,
        state: snapshot.state,
        failures: snapshot.failures,
        openUntil: snapshot.openUntil,
        cooldownUntil: snapshot.cooldownUntil,
        misconfigured: slot.misconfigured !== undefined,
        ...(slot.misconfigured ? { misconfiguredReason: slot.misconfigured.message } : {}),
        healthy:
          slot.enabled && snapshot.state !== 'open' && !cooling && slot.misconfigured === undefined,
        version: snapshot.version,
      };
    });
  }

  /** How circuit state is shared (memory, or a connected/degraded shared backend). */
  getSyncStatus(): SyncStatus {
    return this.stateSync.status();
  }

  /** Closes one provider's circuit (and clears its cooldown), or every provider's. */
  resetCircuitBreakers(name?: string): void {
    for (const slot of name === undefined ? this.slots : [this.slotNamed(name)]) {
      slot.breaker.reset();
      slot.misconfigured = undefined;
    }
  }

  /** Tries this provider first for default and model-id routes (explicit routes keep their order). */
  setPrimaryProvider(name: string): void {
    this.slotNamed(name);
    this.router.setPrimary(name);
  }

  /** The provider that served the most recent successful request. */
  getLastUsedProvider(): string | undefined {
    return this.lastUsed;
  }

  getRequestStats(): RequestStats {
    return this.stats.snapshot();
  }

  /** Subscribes to every provider's circuit transitions; returns the unsubscribe function. */
  onCircuitStateChange(listener: CircuitChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adds a provider at run time, from a provider config or a ready Provider instance. */
  registerProvider(
    provider: ProviderConfigInput | Provider,
    options: RegisterProviderOptions = {},
  ): void {
    if (this.closed) throw new ClientClosedError();
    if (isProvider(provider)) {
      this.assertUniqueName(provider.name);
      this.addSlot(provider, undefined, options);
    } else {
      const parsed = providerConfigSchema.safeParse(provider);
      if (!parsed.success) {
        throw new ConfigurationError('Invalid provider configuration:', {
          issues: toPathIssues(parsed.error),
        });
      }
      this.assertUniqueName(parsed.data.name);
      this.addSlot(this.registry.create(parsed.data, this.deps()), parsed.data, options);
    }
    this.router.setSlots(this.slots);
  }

  /** Stops accepting calls, closes the state sync and every provider's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([
      this.stateSync.close(),
      ...this.slots.map((slot) => slot.provider.close()),
    ]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** What `console.log(client)` shows: providers and their states, never a credential. */
  [inspect.custom](): string {
    const providers = this.getProviderStatus()
      .map((p) => `${p.name} (${p.type}, ${p.model}, ${p.state})`)
      .join(', ');
    return `FlexiAI { providers: [${providers}], sync: ${this.stateSync.status().health}${this.closed ? ', closed' : ''} }`;
  }

  private deps() {
    return { clock: this.clock, logger: this.logger };
  }

  private addSlot(
    provider: Provider,
    providerConfig: ProviderConfig | undefined,
    options: RegisterProviderOptions,
  ): void {
    const breakerConfig = {
      ...this.config.circuitBreaker,
      ...providerConfig?.circuitBreaker,
      ...options.circuitBreaker,
    };
    const breaker = new CircuitBreaker({
      name: provider.name,
      failureThreshold: breakerConfig.failureThreshold,
      recoveryTimeoutMs: breakerConfig.recoveryTimeoutMs,
      halfOpenMaxCalls: breakerConfig.halfOpenMaxCalls,
      probeTimeoutMs: breakerConfig.probeTimeoutMs ?? providerConfig?.timeoutMs ?? 60_000,
      maxCooldownMs: this.config.retry.maxCooldownMs,
      clock: this.clock,
    });
    breaker.onStateChange((event) => this.onBreakerChange(event));
    const limiter = new ProviderLimiter(breaker, providerLimits(providerConfig));
    const index = this.slots.length;
    this.slots.push({
      name: provider.name,
      provider,
      breaker,
      limiter,
      priority: options.priority ?? providerConfig?.priority ?? index + 1,
      index,
      enabled: providerConfig?.enabled ?? true,
      models: providerConfig?.models ?? [],
      config: providerConfig,
      misconfigured: undefined,
    });
    this.stateSync.track(provider.name, breaker);
  }

  private onBreakerChange(event: CircuitChangeEvent): void {
    if (event.from !== event.to) {
      const level = event.to === 'open' ? 'warn' : 'info';
      this.logger[level](
        {
          provider: event.provider,
          from: event.from,
          to: event.to,
          reason: event.reason,
          source: event.source,
          openUntil: event.snapshot.openUntil,
        },
        `circuit ${event.provider}: ${event.from} -> ${event.to} (${event.reason})`,
      );
    }
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // Listeners never break the request path.
      }
    }
  }

  private slotNamed(name: string): ProviderSlot {
    const slot = this.slots.find((s) => s.name === name);
    if (!slot) throw new ConfigurationError(`No provider named "${name}"`);
    return slot;
  }

  private assertUniqueName(name: string): void {
    if (this.slots.some((s) => s.name === name)) {
      throw new ConfigurationError(`A provider named "${name}" is already registered`);
    }
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

/** Same as `FlexiAI.create`. */
export const createFlexiAI = (
  config: FlexiAIConfigInput,
  options?: FlexiAIOptions & { signal?: AbortSignal },
): Promise<FlexiAI> => FlexiAI.create(config, options);

const isProvider = (value: ProviderConfigInput | Provider): value is Provider =>
  typeof (value as Provider).chat === 'function';
