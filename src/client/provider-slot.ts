import type { AnyProviderConfig } from '../config/provider-config-schema.js';
import type { RetryConfig } from '../config/retry-config-schema.js';
import type { Provider } from '../providers/provider.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { ProviderLimiter } from '../resilience/provider-limiter.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';

/** A configured provider as the client holds it: the adapter, its breaker and its place in the order. */
export interface ProviderSlot {
  readonly name: string;
  readonly provider: Provider;
  readonly breaker: CircuitBreaker;
  /** Admission control and slow start, attached to the breaker (issue 19). */
  readonly limiter: ProviderLimiter;
  /** `limits.requestsPerMinute` / `tokensPerMinute`, when set: checked before each call. */
  readonly rateLimiter: RateLimiter | undefined;
  readonly priority: number;
  /** Declaration order; breaks priority ties. */
  readonly index: number;
  readonly enabled: boolean;
  /** Model ids this provider serves besides its default model. */
  readonly models: readonly string[];
  readonly config: AnyProviderConfig | undefined;
  /** The retry policy this provider runs under: the global `retry` with its own fields on top. */
  readonly retry: RetryConfig;
  /** Set when the provider refused our credentials; cleared by its next success. */
  misconfigured: { at: number; message: string } | undefined;
}

/** One step of a route: a provider and the model to ask it for. */
export interface RouteCandidate {
  slot: ProviderSlot;
  model: string;
}
