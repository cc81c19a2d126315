import type { Usage } from './usage.js';

/** Why a provider was passed over without a call. */
export type SkipReason =
  | 'circuit_open'
  | 'cooldown'
  | 'half_open_busy'
  | 'context_window'
  /** At its `requestsPerMinute` / `tokensPerMinute` limit (no circuit movement). */
  | 'rate_limited';

/** One step of the failover loop: an upstream call, or a provider passed over. */
export interface Attempt {
  provider: string;
  model: string;
  ok: boolean;
  /** Wall time of the upstream call in milliseconds (0 for a skip). */
  latencyMs: number;
  /** Set when the provider was passed over without a call. */
  skipped?: SkipReason;
  /** HTTP status of the upstream response, when one arrived. */
  status?: number;
  /** The failure (a FlexiAIError); absent on success. */
  error?: Error;
  /** Tokens the call used, when the provider reported them (successful calls). */
  usage?: Usage;
  /** Streams: from the call's start to its first output. */
  ttftMs?: number;
  /**
   * What the provider billed for this call in USD, when known: from its usage, or estimated from
   * the output received when a stream broke or was aborted after output began (`costEstimated`).
   * Absent for calls nothing was billed for, and when the model has no known price.
   */
  costUsd?: number;
  /** `costUsd` was estimated from the tokens received (the provider sent no final usage). */
  costEstimated?: boolean;
}
