import { inspect } from 'node:util';
import type { FlexiAIConfig } from '../config/config-schema.js';
import { effectiveRetry } from '../config/retry-config-schema.js';
import {
  providerEntrySchema,
  type AnyProviderConfig,
  type AnyProviderConfigInput,
} from '../config/provider-config-schema.js';
import { configEqual } from '../config/config-equal.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import { toPathIssues } from '../internal/zod-issues.js';
import type { Provider } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChangeEvent,
} from '../resilience/circuit-breaker.js';
import { ProviderLimiter, providerLimits } from '../resilience/provider-limiter.js';
import { RATE_WINDOW_MS } from '../resilience/rate-limiter.js';
import { SlidingWindowLog } from '../resilience/sliding-window.js';
import type { CircuitStateSync, SyncStatus } from '../state/circuit-state-sync.js';
import type { ClientEvents } from './client-events.js';
import type { ProviderSlot } from './provider-slot.js';
import type { ProviderStatus } from './provider-status.js';
import { createRateLimiter, type RateStore } from './rate-limits.js';
import { Router } from './router.js';

export interface RegisterProviderOptions {
  priority?: number;
  circuitBreaker?: Partial<FlexiAIConfig['circuitBreaker']>;
}

export interface ProviderFleetOptions {
  config: FlexiAIConfig;
  logger: Logger;
  clock: Clock;
  registry: ProviderRegistry;
  stateSync: CircuitStateSync;
  events: ClientEvents;
  /** Shares `requestsPerMinute` / `tokensPerMinute` through Redis; absent: per process. */
  rateStore?: RateStore | undefined;
}

/**
 * The configured providers as the client holds them: one slot each (adapter, circuit breaker,
 * place in the order), the router over them, the shared circuit state, and the administration of
 * all of it (status, reset, primary, registration, close). The request path reads it; it never
 * runs a request.
 */
export class ProviderFleet {
  readonly router: Router;
  private readonly slots: ProviderSlot[] = [];
  /** Providers added with `register` (kept across reloads unless the new config names them). */
  private readonly registered = new Set<string>();
  /** Slots whose breaker this fleet created (the rest kept their predecessor's breaker). */
  private readonly ownBreakers = new Set<string>();
  /** Each provider's local rate window by name, shared with the fleets that replace this one. */
  private readonly rateWindows: Map<string, SlidingWindowLog>;

  /**
   * The fleet of `options.config`. With `previous` (hot reload), a provider that stays (same name)
   * keeps its circuit breaker object when its breaker settings are unchanged, else a new breaker
   * starts from the old one's snapshot; it keeps its adapter (and connection pool) when its
   * connection settings are unchanged. Nothing is shared or tracked until `activate`.
   */
  constructor(
    private readonly options: ProviderFleetOptions,
    previous?: ProviderFleet,
  ) {
    // A reload keeps counting the last minute's calls of the providers that stay.
    this.rateWindows = previous?.rateWindows ?? new Map();
    this.router = new Router(options.config.routes);
    const created: Provider[] = [];
    try {
      options.config.providers.forEach((providerConfig, i) => {
        const before = previous?.slots.find((s) => s.name === providerConfig.name);
        const keep = before?.config !== undefined && sameAdapter(before.config, providerConfig);
        const provider =
          keep && before
            ? before.provider
            : options.registry.create(providerConfig, this.deps(), `providers.${i}`);
        if (!keep) created.push(provider);
        this.addSlot(provider, providerConfig, {}, keep ? before : undefined, before);
      });
    } catch (error) {
      void Promise.allSettled(created.map((p) => p.close()));
      throw error;
    }
    for (const slot of previous?.slots ?? []) {
      if (!previous?.registered.has(slot.name) || this.has(slot.name)) continue;
      this.registered.add(slot.name);
      this.addSlot(slot.provider, slot.config, { priority: slot.priority }, slot, slot);
    }
    this.router.setSlots(this.slots);
    const primary = previous?.router.primaryName;
    if (primary !== undefined && this.has(primary)) this.router.setPrimary(primary);
  }

  /**
   * Starts sharing this fleet's breakers through the state sync; with `previous` (hot reload),
   * stops sharing the providers that left and swaps in the breakers that were replaced.
   */
  activate(previous?: ProviderFleet): void {
    const { stateSync } = this.options;
    for (const slot of previous?.slots ?? []) {
      if (!this.has(slot.name)) stateSync.untrack?.(slot.name);
    }
    for (const slot of this.slots) {
      if (!previous || this.ownBreakers.has(slot.name)) {
        if (previous?.has(slot.name)) stateSync.untrack?.(slot.name);
        stateSync.track(slot.name, slot.breaker);
      }
    }
  }

  /**
   * What of `previous` this fleet no longer uses, to close once its calls have ended: adapters,
   * and limiters (a replaced limiter stops listening to the breaker this fleet kept).
   */
  retiredFrom(previous: ProviderFleet): { close(): Promise<void> }[] {
    const providers = new Set(this.slots.map((s) => s.provider));
    const limiters = new Set(this.slots.map((s) => s.limiter));
    return [
      ...previous.slots.map((s) => s.provider).filter((p) => !providers.has(p)),
      ...previous.slots.map((s) => s.limiter).filter((l) => !limiters.has(l)),
    ];
  }

  /**
   * Resolves once shared circuit state has been read (at once in memory mode), and the shared
   * rate-limit store is connected when a provider has a limit (each bounded by the startup timeout).
   */
  async ready(signal?: AbortSignal): Promise<void> {
    const limited = this.slots.some((slot) => slot.rateLimiter);
    await Promise.all([
      this.options.stateSync.ready?.(signal ? { signal } : {}),
      limited ? this.options.rateStore?.ready?.() : undefined,
    ]);
  }

  /** Every provider with its circuit state, cooldown and health. */
  status(): ProviderStatus[] {
    const now = this.options.clock.now();
    return this.slots.map((slot) => {
      const snapshot = slot.breaker.snapshot();
      const cooling = snapshot.cooldownUntil !== null && snapshot.cooldownUntil > now;
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
        ...(slot.rateLimiter ? { rateLimited: slot.rateLimiter.rateLimited() } : {}),
      };
    });
  }

  syncStatus(): SyncStatus {
    return this.options.stateSync.status();
  }

  /** Closes one provider's circuit (and clears its cooldown), or every provider's. */
  reset(name?: string): void {
    for (const slot of name === undefined ? this.slots : [this.slotNamed(name)]) {
      slot.breaker.reset();
      slot.misconfigured = undefined;
    }
  }

  setPrimary(name: string): void {
    this.slotNamed(name);
    this.router.setPrimary(name);
  }

  /** Adds a provider at run time, from a provider config or a ready Provider instance. */
  register(
    provider: AnyProviderConfigInput | Provider,
    options: RegisterProviderOptions = {},
  ): void {
    if (isProvider(provider)) {
      this.assertUniqueName(provider.name);
      this.addSlot(provider, undefined, options);
      this.registered.add(provider.name);
      this.options.stateSync.track(provider.name, this.slotNamed(provider.name).breaker);
    } else {
      const parsed = providerEntrySchema.safeParse(provider);
      if (!parsed.success) {
        throw new ConfigurationError('Invalid provider configuration:', {
          issues: toPathIssues(parsed.error),
        });
      }
      this.assertUniqueName(parsed.data.name);
      this.addSlot(this.options.registry.create(parsed.data, this.deps()), parsed.data, options);
      this.registered.add(parsed.data.name);
      this.options.stateSync.track(parsed.data.name, this.slotNamed(parsed.data.name).breaker);
    }
    this.router.setSlots(this.slots);
  }

  async close(): Promise<void> {
    await Promise.allSettled([
      this.options.stateSync.close(),
      this.options.rateStore?.close?.(),
      ...this.slots.map((slot) => {
        slot.rateLimiter?.close();
        return slot.provider.close();
      }),
    ]);
  }

  /** Providers and their states, never a credential. */
  describe(): string {
    const providers = this.status()
      .map((p) => `${p.name} (${p.type}, ${p.model}, ${p.state})`)
      .join(', ');
    return `providers: [${providers}], sync: ${this.options.stateSync.status().health}`;
  }

  [inspect.custom](): string {
    return `ProviderFleet { ${this.describe()} }`;
  }

  private deps() {
    return { clock: this.options.clock, logger: this.options.logger };
  }

  private has(name: string): boolean {
    return this.slots.some((s) => s.name === name);
  }

  /**
   * Builds one provider's slot from its config. `adapterOf` is the slot whose adapter this one
   * keeps (its misconfigured mark goes with it); `before` is the same provider's slot in the fleet
   * this one replaces: its breaker is kept when the settings are the same, else carried over.
   */
  private addSlot(
    provider: Provider,
    providerConfig: AnyProviderConfig | undefined,
    options: RegisterProviderOptions,
    adapterOf?: ProviderSlot,
    before?: ProviderSlot,
  ): void {
    const { config, clock } = this.options;
    const breakerConfig = {
      ...config.circuitBreaker,
      ...definedOnly(providerConfig?.circuitBreaker),
      ...definedOnly(options.circuitBreaker),
    };
    const retry = effectiveRetry(config.retry, providerConfig?.retry);
    const breakerOptions: CircuitBreakerOptions = {
      name: provider.name,
      failureThreshold: breakerConfig.failureThreshold,
      recoveryTimeoutMs: breakerConfig.recoveryTimeoutMs,
      halfOpenMaxCalls: breakerConfig.halfOpenMaxCalls,
      probeTimeoutMs: breakerConfig.probeTimeoutMs ?? providerConfig?.timeoutMs ?? 60_000,
      maxCooldownMs: retry.maxCooldownMs,
      clock,
    };
    const limits = providerLimits(providerConfig);
    let breaker: CircuitBreaker;
    let limiter: ProviderLimiter;
    if (before && sameBreaker(before.breaker.options, breakerOptions)) {
      breaker = before.breaker;
      // The breaker's state-change listener (logs, `circuit` events) stays subscribed.
      limiter = configEqual(providerLimits(before.config), limits)
        ? before.limiter
        : new ProviderLimiter(breaker, limits);
    } else {
      breaker = new CircuitBreaker(breakerOptions);
      // Carried over before anyone listens: no event, the same state, failures and deadlines.
      if (before) breaker.applyRemoteState(before.breaker.snapshot(), { replaceSameVersion: true });
      breaker.onStateChange((event) => this.onBreakerChange(event));
      limiter = new ProviderLimiter(breaker, limits);
      this.ownBreakers.add(provider.name);
    }
    const rateLimiter = createRateLimiter(provider.name, providerConfig?.limits, {
      clock,
      shared: this.options.rateStore,
      workers: () => this.options.stateSync.status().workers,
      window: () => this.rateWindow(provider.name),
    });
    const index = this.slots.length;
    this.slots.push({
      name: provider.name,
      provider,
      breaker,
      limiter,
      rateLimiter,
      priority: options.priority ?? providerConfig?.priority ?? index + 1,
      index,
      enabled: providerConfig?.enabled ?? true,
      models: providerConfig?.models ?? [],
      config: providerConfig,
      retry,
      misconfigured: adapterOf?.misconfigured,
    });
  }

  /** A provider's local rate window, by name: a slot rebuilt for it keeps the last minute's calls. */
  private rateWindow(name: string): SlidingWindowLog {
    let window = this.rateWindows.get(name);
    if (!window) {
      window = new SlidingWindowLog(RATE_WINDOW_MS);
      this.rateWindows.set(name, window);
    }
    return window;
  }

  private onBreakerChange(event: CircuitChangeEvent): void {
    if (event.from !== event.to) {
      const level = event.to === 'open' ? 'warn' : 'info';
      this.options.logger[level](
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
    this.options.events.emit('circuit', event);
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

/** Provider fields the fleet reads (order, breaker, retry policy); the adapter reads all others. */
const FLEET_FIELDS = new Set(['priority', 'enabled', 'contextWindow', 'circuitBreaker', 'retry']);

/** Whether an adapter built from `a` serves `b` alike (only fleet fields differ). */
function sameAdapter(a: AnyProviderConfig, b: AnyProviderConfig): boolean {
  const adapterPart = (c: AnyProviderConfig) =>
    Object.fromEntries(Object.entries(c).filter(([key]) => !FLEET_FIELDS.has(key)));
  return configEqual(adapterPart(a), adapterPart(b));
}

function sameBreaker(a: Readonly<CircuitBreakerOptions>, b: CircuitBreakerOptions): boolean {
  const { clock: _a, ...left } = a;
  const { clock: _b, ...right } = b;
  return a.clock === b.clock && configEqual(left, right);
}

/** The fields that are set: an explicit `undefined` does not erase an inherited value. */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const isProvider = (value: AnyProviderConfigInput | Provider): value is Provider =>
  typeof (value as Provider).chat === 'function';
