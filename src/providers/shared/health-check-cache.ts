import type { Clock } from '../../internal/clock.js';
import type { HealthCheckResult } from '../provider.js';

/**
 * Caches a provider's health check for `ttlMs`; concurrent callers share one check in flight.
 */
export class HealthCheckCache {
  private last: HealthCheckResult | undefined;
  private inFlight: Promise<HealthCheckResult> | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(check: () => Promise<void>, force = false): Promise<HealthCheckResult> {
    const now = this.clock.now();
    if (!force && this.last && now - this.last.checkedAt < this.ttlMs)
      return Promise.resolve(this.last);
    if (this.inFlight) return this.inFlight;
    const started = now;
    this.inFlight = check()
      .then(
        (): HealthCheckResult => ({
          ok: true,
          checkedAt: started,
          latencyMs: this.clock.now() - started,
        }),
        (error: unknown): HealthCheckResult => ({
          ok: false,
          checkedAt: started,
          latencyMs: this.clock.now() - started,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      )
      .then((result) => {
        this.last = result;
        this.inFlight = undefined;
        return result;
      });
    return this.inFlight;
  }
}
