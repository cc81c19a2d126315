import type { ProviderStatus } from '../client/provider-status.js';
import type { SyncStatus } from '../state/circuit-state-sync.js';
import {
  histogramQuantile,
  type HistogramFamily,
  type MetricFamily,
  type ValueFamily,
} from './metric-families.js';
import type { CircuitTransition, MetricsSnapshot } from './metrics-snapshot.js';

/** One provider on the dashboard: its circuit now, and its calls over the window. */
export interface ProviderFigures {
  name: string;
  type: string;
  model: string;
  state: string;
  healthy: boolean;
  failures: number;
  openUntil: number | null;
  cooldownUntil: number | null;
  /** Upstream calls per second over the window (skips excluded). */
  callRate: number;
  /** Share of the window's calls that failed (0..1). */
  errorRate: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Since start. */
  calls: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** Rates and percentiles over a recent window, all requests together. */
export interface WindowFigures {
  requestRate: number;
  errorRate: number;
  failoverRate: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP99Ms: number | null;
  /** Hits over hits and misses (null with no lookups). */
  cacheHitRate: number | null;
}

/** What `/dashboard/data` serves and `flexiai status --watch` prints. */
export interface DashboardFigures {
  at: number;
  startedAt: number;
  windowSeconds: number;
  window: WindowFigures;
  totals: {
    requests: number;
    errors: number;
    failedOver: number;
    tokensIn: number;
    tokensOut: number;
    costUsd: number;
    cacheHits: number;
    cacheMisses: number;
  };
  providers: ProviderFigures[];
  /** One point per sample (about a second apart), oldest first. */
  series: ({ at: number } & Pick<
    WindowFigures,
    'requestRate' | 'errorRate' | 'latencyP50Ms' | 'latencyP99Ms'
  >)[];
  circuitHistory: CircuitTransition[];
  sync: SyncStatus;
}

type Match = (labels: Record<string, string>) => boolean;
const all: Match = () => true;

function family<T extends MetricFamily>(snapshot: MetricsSnapshot | undefined, name: string) {
  return snapshot?.families.find((f) => f.name === name) as T | undefined;
}

const labelsOf = (names: readonly string[], values: readonly string[]) =>
  Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));

function total(snapshot: MetricsSnapshot | undefined, name: string, match: Match = all): number {
  const f = family<ValueFamily>(snapshot, name);
  if (!f) return 0;
  let sum = 0;
  for (const s of f.series) if (match(labelsOf(f.labelNames, s.labels))) sum += s.value;
  return sum;
}

function buckets(
  snapshot: MetricsSnapshot | undefined,
  name: string,
  match: Match = all,
): { bounds: readonly number[]; counts: number[] } | undefined {
  const f = family<HistogramFamily>(snapshot, name);
  if (!f) return undefined;
  const counts = new Array<number>(f.buckets.length + 1).fill(0);
  for (const s of f.series) {
    if (!match(labelsOf(f.labelNames, s.labels))) continue;
    s.counts.forEach((c, i) => (counts[i] = (counts[i] ?? 0) + c));
  }
  return { bounds: f.buckets, counts };
}

function quantileMs(
  now: MetricsSnapshot,
  before: MetricsSnapshot | undefined,
  name: string,
  q: number,
  match: Match = all,
): number | null {
  const current = buckets(now, name, match);
  if (!current) return null;
  const previous = buckets(before, name, match);
  const delta = current.counts.map((c, i) => c - (previous?.counts[i] ?? 0));
  const seconds = histogramQuantile(current.bounds, delta, q);
  return seconds === undefined ? null : Math.round(seconds * 10_000) / 10;
}

function windowFigures(now: MetricsSnapshot, before: MetricsSnapshot | undefined): WindowFigures {
  const seconds = Math.max(0.001, (now.takenAt - (before?.takenAt ?? now.startedAt)) / 1000);
  const d = (name: string, match?: Match) => total(now, name, match) - total(before, name, match);
  const requests = d('flexiai_requests_total');
  const errors = d('flexiai_requests_total', (l) => l.outcome === 'error');
  const hits = d('flexiai_cache_events_total', (l) => l.outcome === 'hit');
  const misses = d('flexiai_cache_events_total', (l) => l.outcome === 'miss');
  return {
    requestRate: requests / seconds,
    errorRate: requests ? errors / requests : 0,
    failoverRate: requests ? d('flexiai_failed_over_requests_total') / requests : 0,
    latencyP50Ms: quantileMs(now, before, 'flexiai_request_duration_seconds', 0.5),
    latencyP99Ms: quantileMs(now, before, 'flexiai_request_duration_seconds', 0.99),
    ttftP50Ms: quantileMs(now, before, 'flexiai_request_ttft_seconds', 0.5),
    ttftP99Ms: quantileMs(now, before, 'flexiai_request_ttft_seconds', 0.99),
    cacheHitRate: hits + misses ? hits / (hits + misses) : null,
  };
}

/** Computes dashboard figures from a snapshot, an earlier one (the window's start) and live status. */
export function dashboardFigures(input: {
  now: MetricsSnapshot;
  before: MetricsSnapshot | undefined;
  samples: readonly MetricsSnapshot[];
  providers: readonly ProviderStatus[];
  sync: SyncStatus;
}): DashboardFigures {
  const { now, before } = input;
  const seconds = Math.max(0.001, (now.takenAt - (before?.takenAt ?? now.startedAt)) / 1000);
  const t = (name: string, match?: Match) => total(now, name, match);
  const providers = input.providers.map((p): ProviderFigures => {
    const mine: Match = (l) => l.provider === p.name;
    const called: Match = (l) => l.provider === p.name && l.outcome !== 'skipped';
    const calls = t('flexiai_attempts_total', called);
    const windowCalls = calls - total(before, 'flexiai_attempts_total', called);
    const failed: Match = (l) => l.provider === p.name && l.outcome === 'error';
    const windowErrors =
      t('flexiai_attempts_total', failed) - total(before, 'flexiai_attempts_total', failed);
    return {
      name: p.name,
      type: p.type,
      model: p.model,
      state: p.state,
      healthy: p.healthy,
      failures: p.failures,
      openUntil: p.openUntil,
      cooldownUntil: p.cooldownUntil,
      callRate: windowCalls / seconds,
      errorRate: windowCalls ? windowErrors / windowCalls : 0,
      latencyP50Ms: quantileMs(now, before, 'flexiai_attempt_duration_seconds', 0.5, mine),
      latencyP99Ms: quantileMs(now, before, 'flexiai_attempt_duration_seconds', 0.99, mine),
      calls,
      tokensIn: t('flexiai_tokens_total', (l) => mine(l) && l.direction === 'input'),
      tokensOut: t('flexiai_tokens_total', (l) => mine(l) && l.direction === 'output'),
      costUsd: t('flexiai_cost_usd_total', mine),
    };
  });
  const series = input.samples.slice(1).map((sample, i) => {
    const w = windowFigures(sample, input.samples[i]);
    return {
      at: sample.takenAt,
      requestRate: w.requestRate,
      errorRate: w.errorRate,
      latencyP50Ms: w.latencyP50Ms,
      latencyP99Ms: w.latencyP99Ms,
    };
  });
  return {
    at: now.takenAt,
    startedAt: now.startedAt,
    windowSeconds: seconds,
    window: windowFigures(now, before),
    totals: {
      requests: t('flexiai_requests_total'),
      errors: t('flexiai_requests_total', (l) => l.outcome === 'error'),
      failedOver: t('flexiai_failed_over_requests_total'),
      tokensIn: t('flexiai_tokens_total', (l) => l.direction === 'input'),
      tokensOut: t('flexiai_tokens_total', (l) => l.direction === 'output'),
      costUsd: t('flexiai_cost_usd_total'),
      cacheHits: t('flexiai_cache_events_total', (l) => l.outcome === 'hit'),
      cacheMisses: t('flexiai_cache_events_total', (l) => l.outcome === 'miss'),
    },
    providers,
    series,
    circuitHistory: now.circuitHistory,
    sync: input.sync,
  };
}

/**
 * Keeps about a second-spaced ring of snapshots (5 minutes) so the dashboard's rates and
 * percentiles cover a recent window (60 s) rather than the whole uptime. Sampled when asked.
 */
export class DashboardSampler {
  private readonly samples: MetricsSnapshot[] = [];

  constructor(
    private readonly read: () => {
      snapshot: MetricsSnapshot;
      providers: ProviderStatus[];
      sync: SyncStatus;
    },
    private readonly options: { windowMs?: number; intervalMs?: number; keep?: number } = {},
  ) {}

  figures(): DashboardFigures {
    const { snapshot, providers, sync } = this.read();
    const interval = this.options.intervalMs ?? 1_000;
    const last = this.samples[this.samples.length - 1];
    if (!last || snapshot.takenAt - last.takenAt >= interval) {
      this.samples.push(snapshot);
      const keep = this.options.keep ?? 300;
      if (this.samples.length > keep) this.samples.splice(0, this.samples.length - keep);
    }
    const since = snapshot.takenAt - (this.options.windowMs ?? 60_000);
    const before =
      this.samples.find((s) => s.takenAt >= since && s !== snapshot) ??
      (this.samples.length > 1 ? this.samples[this.samples.length - 2] : undefined);
    return dashboardFigures({ now: snapshot, before, samples: this.samples, providers, sync });
  }
}
