/** Circuit states as stored and broadcast: string literals, never numbers. */
export type CircuitStateName = 'closed' | 'open' | 'half_open';

/**
 * A provider's breaker state as plain JSON. Deadlines are absolute epoch milliseconds so a snapshot
 * means the same on every host; `version` only moves forward.
 */
export interface CircuitSnapshot {
  state: CircuitStateName;
  version: number;
  /** Consecutive failures counted while closed. */
  failures: number;
  /** When the circuit last opened. */
  openedAt: number | null;
  /** When an open circuit may admit a probe. */
  openUntil: number | null;
  /** Until when the provider is cooling down after a 429 (independent of the circuit state). */
  cooldownUntil: number | null;
  updatedAt: number;
}
