import type { ClientEventMap } from '../client/event-types.js';
import type { ProviderStatus } from '../client/provider-status.js';
import type { Clock } from '../internal/clock.js';
import type { SyncStatus } from '../state/circuit-state-sync.js';
import { codeLabel, LabelSet } from './label-set.js';
import { Counter, Histogram, LATENCY_BUCKETS, type ValueFamily } from './metric-families.js';
import type { CircuitTransition, MetricsSnapshot } from './metrics-snapshot.js';

/** What the collector reads besides events: configuration-derived names and live state. */
export interface MetricsSource {
  on<K extends keyof ClientEventMap>(type: K, fn: (event: ClientEventMap[K]) => void): () => void;
  providerStatus(): ProviderStatus[];
  syncStatus(): SyncStatus;
  /** Routes, providers and model ids a request may name (from configuration). */
  knownModels(): string[];
  clock: Clock;
}

const STATES = ['closed', 'half_open', 'open'] as const;
const HISTORY = 200;

/**
 * Prometheus-style metrics fed by the client's events: counters and fixed-bucket histograms kept
 * in memory, gauges read from the fleet when a snapshot is taken. Every label comes from
 * configuration (provider names, configured models, routes) or FlexiAI's own enums; anything
 * else is `other`. Listeners do a few map lookups per event and never allocate per series twice.
 */
export class MetricsCollector {
  private readonly providers: LabelSet;
  private readonly models: LabelSet;
  private readonly routes: LabelSet;
  /** Budget names come from the budget middleware's configuration: the first 50 are kept. */
  private readonly budgets = new LabelSet(() => [], 50);
  private readonly startedAt: number;
  private readonly history: CircuitTransition[] = [];
  private readonly costedRequests = new Set<string>();
  private readonly unsubscribe: (() => void)[];

  readonly requests = new Counter(
    'flexiai_requests_total',
    'Requests by operation, route, serving provider, outcome, error code and whether a cache answered',
    ['operation', 'route', 'provider', 'outcome', 'code', 'cached'],
  );
  readonly attempts = new Counter(
    'flexiai_attempts_total',
    'Upstream calls and skipped providers by provider, model, outcome and error code or skip reason',
    ['provider', 'model', 'outcome', 'code'],
  );
  readonly failovers = new Counter(
    'flexiai_failovers_total',
    'Requests that left this provider for another after it failed (once per provider and request)',
    ['provider'],
  );
  readonly failedOver = new Counter(
    'flexiai_failed_over_requests_total',
    'Requests answered by a provider other than their first candidate',
    ['route'],
  );
  readonly requestDuration = new Histogram(
    'flexiai_request_duration_seconds',
    'Request latency, from the public call to its result or error',
    ['operation', 'route', 'outcome'],
    LATENCY_BUCKETS,
  );
  readonly requestTtft = new Histogram(
    'flexiai_request_ttft_seconds',
    'Streams: from the request to the first output the caller received',
    ['route'],
    LATENCY_BUCKETS,
  );
  readonly attemptDuration = new Histogram(
    'flexiai_attempt_duration_seconds',
    'Upstream call latency by provider, model and outcome',
    ['provider', 'model', 'outcome'],
    LATENCY_BUCKETS,
  );
  readonly attemptTtft = new Histogram(
    'flexiai_attempt_ttft_seconds',
    'Streams: from an upstream call to its first output',
    ['provider', 'model'],
    LATENCY_BUCKETS,
  );
  readonly tokens = new Counter(
    'flexiai_tokens_total',
    'Tokens reported by providers, by direction (input, output)',
    ['provider', 'model', 'direction'],
  );
  readonly cost = new Counter('flexiai_cost_usd_total', 'Estimated spend in USD', [
    'provider',
    'model',
  ]);
  readonly transitions = new Counter(
    'flexiai_circuit_transitions_total',
    'Circuit state changes by provider, from, to and reason',
    ['provider', 'from', 'to', 'reason'],
  );
  readonly cooldowns = new Counter(
    'flexiai_cooldowns_total',
    'Rate-limit cooldowns imposed on a provider',
    ['provider'],
  );
  readonly cache = new Counter('flexiai_cache_events_total', 'Response cache lookups and stores', [
    'route',
    'outcome',
  ]);
  readonly budget = new Counter('flexiai_budget_events_total', 'Budget warnings and refusals', [
    'budget',
    'kind',
  ]);

  constructor(private readonly source: MetricsSource) {
    this.startedAt = source.clock.now();
    const providerNames = (): string[] => source.providerStatus().map((p) => p.name);
    this.providers = new LabelSet(providerNames);
    this.models = new LabelSet(() => [
      ...source.providerStatus().map((p) => p.model),
      ...source.knownModels(),
    ]);
    this.routes = new LabelSet(() => source.knownModels());
    this.unsubscribe = [
      source.on('attempt', (e) => this.onAttempt(e)),
      source.on('request', (e) => this.onRequest(e)),
      source.on('circuit', (e) => this.onCircuit(e)),
      source.on('cooldown', (e) => this.cooldowns.inc([this.providers.label(e.provider)])),
      source.on('cache', (e) => this.cache.inc([this.routes.label(e.route), e.outcome])),
      source.on('budget', (e) => this.budget.inc([this.budgets.label(e.budget), e.kind])),
    ];
  }

  /** Stops listening (the counters keep their values). */
  close(): void {
    for (const off of this.unsubscribe) off();
  }

  snapshot(): MetricsSnapshot {
    return {
      takenAt: this.source.clock.now(),
      startedAt: this.startedAt,
      families: [
        this.requests.snapshot(),
        this.attempts.snapshot(),
        this.failovers.snapshot(),
        this.failedOver.snapshot(),
        this.requestDuration.snapshot(),
        this.requestTtft.snapshot(),
        this.attemptDuration.snapshot(),
        this.attemptTtft.snapshot(),
        this.tokens.snapshot(),
        this.cost.snapshot(),
        this.transitions.snapshot(),
        this.cooldowns.snapshot(),
        this.cache.snapshot(),
        this.budget.snapshot(),
        ...this.gauges(),
      ],
      circuitHistory: [...this.history],
    };
  }

  private onAttempt(e: ClientEventMap['attempt']): void {
    const provider = this.providers.label(e.provider);
    const model = this.models.label(e.model);
    if (e.outcome === 'skipped') {
      this.attempts.inc([provider, model, 'skipped', codeLabel(e.skipped)]);
      return;
    }
    this.attempts.inc([provider, model, e.outcome, codeLabel(e.code)]);
    this.attemptDuration.observe([provider, model, e.outcome], e.latencyMs / 1000);
    if (e.ttftMs !== undefined) this.attemptTtft.observe([provider, model], e.ttftMs / 1000);
    if (e.usage) {
      this.tokens.inc([provider, model, 'input'], e.usage.promptTokens);
      this.tokens.inc([provider, model, 'output'], e.usage.completionTokens);
    }
    if (e.costUsd !== undefined && e.costUsd > 0) {
      this.cost.inc([provider, model], e.costUsd);
      this.costedRequests.add(e.requestId);
    }
  }

  private onRequest(e: ClientEventMap['request']): void {
    const route = this.routes.label(e.route);
    const outcome = e.ok ? 'ok' : 'error';
    this.requests.inc([
      e.operation,
      route,
      this.providers.label(e.provider),
      outcome,
      codeLabel(e.code),
      e.cached ? 'true' : 'false',
    ]);
    this.requestDuration.observe([e.operation, route, outcome], e.latencyMs / 1000);
    if (e.ttftMs !== undefined) this.requestTtft.observe([route], e.ttftMs / 1000);
    if (e.failedOver) this.failedOver.inc([route]);
    this.countFailovers(e.attempts);
    const costed = this.costedRequests.delete(e.requestId);
    if (!costed && !e.cached && e.costUsd !== undefined && e.costUsd > 0 && e.provider) {
      this.cost.inc([this.providers.label(e.provider), this.models.label(e.model)], e.costUsd);
    }
  }

  /** A provider that was called, failed, and was followed by another provider: once per request. */
  private countFailovers(attempts: ClientEventMap['request']['attempts']): void {
    if (attempts.length < 2) return;
    let counted: string[] | undefined;
    for (let i = 0; i < attempts.length - 1; i += 1) {
      const a = attempts[i]!;
      if (a.ok || a.skipped || counted?.includes(a.provider)) continue;
      if (attempts.slice(i + 1).some((b) => b.provider !== a.provider)) {
        (counted ??= []).push(a.provider);
        this.failovers.inc([this.providers.label(a.provider)]);
      }
    }
  }

  private onCircuit(e: ClientEventMap['circuit']): void {
    if (e.from === e.to) return;
    const provider = this.providers.label(e.provider);
    this.transitions.inc([provider, e.from, e.to, e.reason]);
    this.history.push({
      at: e.snapshot.updatedAt,
      provider,
      from: e.from,
      to: e.to,
      reason: e.reason,
    });
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }

  private gauges(): ValueFamily[] {
    const now = this.source.clock.now();
    const status = this.source.providerStatus();
    const sync = this.source.syncStatus();
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      series: ValueFamily['series'],
    ): ValueFamily => ({ name, help, type: 'gauge', labelNames, series });
    return [
      gauge(
        'flexiai_circuit_state',
        'Circuit state per provider: 1 for the current state, 0 for the others',
        ['provider', 'state'],
        status.flatMap((p) =>
          STATES.map((state) => ({ labels: [p.name, state], value: p.state === state ? 1 : 0 })),
        ),
      ),
      gauge(
        'flexiai_circuit_failures',
        'Consecutive failures counted by the closed circuit',
        ['provider'],
        status.map((p) => ({ labels: [p.name], value: p.failures })),
      ),
      gauge(
        'flexiai_cooldown_remaining_seconds',
        'Seconds a provider still cools down after a 429 (0 when not cooling down)',
        ['provider'],
        status.map((p) => ({
          labels: [p.name],
          value: p.cooldownUntil && p.cooldownUntil > now ? (p.cooldownUntil - now) / 1000 : 0,
        })),
      ),
      gauge(
        'flexiai_provider_healthy',
        'Whether a provider can serve now (closed or probing, not cooling down, configured, enabled)',
        ['provider'],
        status.map((p) => ({ labels: [p.name], value: p.healthy ? 1 : 0 })),
      ),
      gauge(
        'flexiai_sync_up',
        'Shared circuit state: 1 when healthy (memory, or Redis connected)',
        ['backend'],
        [{ labels: [sync.backend], value: sync.health === 'degraded' ? 0 : 1 }],
      ),
      gauge(
        'flexiai_sync_workers',
        'Workers sharing circuit state (as of the last heartbeat; 1 in memory mode)',
        ['backend'],
        [{ labels: [sync.backend], value: sync.workers ?? 1 }],
      ),
    ];
  }
}
