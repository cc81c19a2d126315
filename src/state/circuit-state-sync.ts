import type { SyncConfig } from '../config/sync-config-schema.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { IgnoredReason } from './sync-message.js';

/** How circuit state is being shared: `memory` (this process only), `connected`, or `degraded` (shared backend unreachable; local state still protects). */
export type SyncHealth = 'memory' | 'connected' | 'degraded';

/** What a shared backend has done since it started. */
export interface SyncCounters {
  /** Records this process stored (its decisions, and republished states after a Redis restart). */
  published: number;
  /** Local changes folded into a later broadcast by coalescing. */
  coalesced: number;
  /** Channel messages received (this process's own echoes included). */
  received: number;
  /** Remote states adopted by a local breaker (from messages, resyncs or lost writes). */
  applied: number;
  /** Channel messages ignored, by reason. */
  ignored: Record<IgnoredReason, number>;
  /** Full re-reads of the stored states. */
  resyncs: number;
  /** Cluster-wide probe slots this process won, and lost to another worker. */
  probeClaimsWon: number;
  probeClaimsLost: number;
  /** Commands that failed or timed out. */
  commandFailures: number;
  /** Connections (re-)established. */
  connects: number;
}

export interface SyncStatus {
  backend: 'memory' | 'redis';
  health: SyncHealth;
  /** A short human-readable reason, never a credential. */
  detail?: string;
  /** This process's id in the shared registry. */
  workerId?: string;
  /** Workers whose heartbeat the registry holds (as of this process's last heartbeat). */
  workers?: number;
  /** Epoch ms of the last successful full resync. */
  lastResyncAt?: number | null;
  counters?: SyncCounters;
}

/** What the client hands a state sync factory: the validated `sync` section, its logger and clock. */
export interface StateSyncContext {
  sync: SyncConfig;
  logger: Logger;
  clock: Clock;
}

/** Builds a state sync from the client's configuration (e.g. `createRedisStateSync` from `flexiai/redis`). */
export type StateSyncFactory = (context: StateSyncContext) => CircuitStateSync;

/**
 * Shares breaker state beyond this process. Implementations listen to local transitions and apply
 * remote ones through `CircuitBreaker.applyRemoteState`; they never sit on the request path.
 */
export interface CircuitStateSync {
  /** Starts sharing one provider's breaker. */
  track(provider: string, breaker: CircuitBreaker): void;
  /**
   * Stops sharing one provider's breaker (hot reload removed the provider, or replaced its
   * breaker). Its shared record stays for other processes. Optional for compatibility: without
   * it, a reload neither stops sharing a removed provider nor shares a replaced breaker.
   */
  untrack?(provider: string): void;
  status(): SyncStatus;
  /**
   * Resolves once shared state has been read (or the backend gave up for now and runs from
   * memory); never rejects for a backend failure. Bounded by the backend's startup timeout.
   */
  ready?(options?: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

/** Single-process mode: every breaker is local; nothing to share. */
export class MemoryStateSync implements CircuitStateSync {
  track(): void {}

  untrack(): void {}

  status(): SyncStatus {
    return { backend: 'memory', health: 'memory' };
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
