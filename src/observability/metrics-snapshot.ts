import type { MetricFamily } from './metric-families.js';

/** A circuit transition as the dashboard's timeline shows it. */
export interface CircuitTransition {
  at: number;
  provider: string;
  from: string;
  to: string;
  reason: string;
}

/** What `ai.getMetrics()` returns: every metric family at one instant, plus recent circuit history. */
export interface MetricsSnapshot {
  /** Epoch ms (the client's clock) of the snapshot. */
  takenAt: number;
  /** Epoch ms when collection began. */
  startedAt: number;
  families: MetricFamily[];
  /** The latest circuit transitions (at most 200), oldest first. */
  circuitHistory: CircuitTransition[];
}
