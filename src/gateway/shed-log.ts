import { OverloadedError } from '../errors/overloaded-error.js';
import { scheduleOn, systemClock, type Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';

/** How often repeated sheds are summed up in one log line. */
export const SHED_SUMMARY_INTERVAL_MS = 10_000;

/**
 * Logs requests shed by admission control without a log storm: under overload the gateway may
 * shed thousands of requests a second, and a warning each would add to the load it is shedding.
 * The first shed of a quiet period is logged as it happens; the ones after it within
 * `SHED_SUMMARY_INTERVAL_MS` are counted and logged as one summary line at the end of the period.
 */
export class ShedLog {
  private pending = 0;
  private windowOpen = false;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Records a shed request (an OverloadedError answered with 503); false for any other error. */
  record(error: unknown, correlationId: string): boolean {
    if (!(error instanceof OverloadedError)) return false;
    if (!this.windowOpen) {
      this.windowOpen = true;
      this.logger.warn(
        { correlationId, code: error.code, reason: error.reason, provider: error.provider },
        `${error.message} (requests shed in the next ${SHED_SUMMARY_INTERVAL_MS / 1000} s are summed up in one line)`,
      );
      scheduleOn(this.clock, () => this.flush(), SHED_SUMMARY_INTERVAL_MS);
      return true;
    }
    this.pending += 1;
    return true;
  }

  private flush(): void {
    const shed = this.pending;
    this.pending = 0;
    if (shed === 0) {
      this.windowOpen = false;
      return;
    }
    this.logger.warn(
      { code: 'overloaded', shed, intervalMs: SHED_SUMMARY_INTERVAL_MS },
      `overloaded: ${shed} more requests shed with 503 in the last ${SHED_SUMMARY_INTERVAL_MS / 1000} s`,
    );
    scheduleOn(this.clock, () => this.flush(), SHED_SUMMARY_INTERVAL_MS);
  }
}
