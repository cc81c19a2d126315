import type { CircuitStateName } from '../types/circuit.js';

/** One provider as `getProviderStatus()` reports it. */
export interface ProviderStatus {
  name: string;
  type: string;
  model: string;
  priority: number;
  enabled: boolean;
  state: CircuitStateName;
  /** Consecutive failures counted by the closed circuit. */
  failures: number;
  /** Epoch ms when an open circuit admits a probe. */
  openUntil: number | null;
  /** Epoch ms until which the provider cools down after a 429. */
  cooldownUntil: number | null;
  /** The provider refused our credentials (401/403) and has not succeeded since. */
  misconfigured: boolean;
  misconfiguredReason?: string;
  /** Closed (or probing), not cooling down, not misconfigured, enabled. */
  healthy: boolean;
  /** Version of the circuit state (moves forward on every decision). */
  version: number;
  /**
   * Set for providers with `limits.requestsPerMinute` / `tokensPerMinute`: true while this
   * process's last check found the provider at its limit and that place has not freed yet.
   */
  rateLimited?: boolean;
}
