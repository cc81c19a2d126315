import type { CircuitBreaker } from '../resilience/circuit-breaker.js';

/** How circuit state is being shared: `memory` (this process only), `connected`, or `degraded` (shared backend unreachable; local state still protects). */
export type SyncHealth = 'memory' | 'connected' | 'degraded';

export interface SyncStatus {
  backend: 'memory' | 'redis';
  health: SyncHealth;
  /** A short human-readable reason, never a credential. */
  detail?: string;
}

/**
 * Shares breaker state beyond this process. Implementations listen to local transitions and apply
 * remote ones through `CircuitBreaker.applyRemoteState`; they never sit on the request path.
 */
export interface CircuitStateSync {
  /** Starts sharing one provider's breaker. */
  track(provider: string, breaker: CircuitBreaker): void;
  status(): SyncStatus;
  close(): Promise<void>;
}

/** Single-process mode: every breaker is local; nothing to share. */
export class MemoryStateSync implements CircuitStateSync {
  track(): void {}

  status(): SyncStatus {
    return { backend: 'memory', health: 'memory' };
  }

  async close(): Promise<void> {}
}
