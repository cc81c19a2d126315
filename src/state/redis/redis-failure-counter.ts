import type { Clock } from '../../internal/clock.js';
import type { CircuitBreaker, SharedFailureCounter } from '../../resilience/circuit-breaker.js';
import type { RedisCommands } from './redis-commands.js';

/** Successes reset the cluster-wide streak at most this often (unless this worker just failed). */
const RESET_INTERVAL_MS = 10;

export interface RedisFailureCounterOptions {
  provider: string;
  breaker: CircuitBreaker;
  commands: RedisCommands;
  clock: Clock;
  windowMs: number;
  /** Whether Redis is usable now; when not, the local count alone decides. */
  healthy: () => boolean;
  /** Runs a task off the request path. */
  defer: (task: () => unknown) => void;
}

/**
 * Counts a closed circuit's failures across every worker: each failure is an INCR on a per-state
 * counter in Redis (expiring `windowMs` after the streak's first failure); the worker whose
 * failure reaches `failureThreshold` opens the circuit, and the state sync broadcasts it. A
 * success ends the streak (a DEL, throttled: at once after this worker's own failures, else at
 * most every 10 ms), as the local count is consecutive failures. Redis being slow or gone only
 * means the local count decides alone.
 */
export class RedisFailureCounter implements SharedFailureCounter {
  private countedSinceReset = false;
  private lastResetAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RedisFailureCounterOptions) {}

  failure(version: number): void {
    const { options } = this;
    if (!options.healthy()) return;
    this.countedSinceReset = true;
    options.defer(async () => {
      const count = await options.commands
        .countFailure(options.provider, version, options.windowMs)
        .catch(() => undefined);
      if (count !== undefined && count >= options.breaker.options.failureThreshold) {
        options.breaker.tripShared(version);
      }
    });
  }

  success(version: number): void {
    const { options } = this;
    const now = options.clock.now();
    if (!options.healthy()) return;
    if (!this.countedSinceReset && now - this.lastResetAt < RESET_INTERVAL_MS) return;
    this.countedSinceReset = false;
    this.lastResetAt = now;
    options.defer(() =>
      options.commands.resetFailures(options.provider, version).catch(() => undefined),
    );
  }
}
