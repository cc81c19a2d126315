import type { TimeoutPhase } from '../errors/timeout-error.js';

/** A provider deadline, or `queue`: the wait for a pooled connection (ours, not the provider's). */
export type DeadlinePhase = TimeoutPhase | 'queue';

/** The abort reason of a deadline: tells a timeout from a caller's cancellation. */
export class DeadlineExpired extends Error {
  constructor(
    readonly phase: DeadlinePhase,
    readonly timeoutMs: number,
  ) {
    super(`${phase} deadline of ${timeoutMs} ms expired`);
  }
}

/**
 * Millisecond-accurate deadlines of one call, each aborting the call with a DeadlineExpired reason. (undici's own header/body timers tick at about one second, too coarse
 * for first-byte and stall detection.) Timers are unref'd: they never keep a process alive.
 */
export class CallDeadlines {
  private readonly timers = new Map<
    DeadlinePhase,
    { timer: NodeJS.Timeout; ms: number; armed: boolean }
  >();

  constructor(private readonly abort: (reason: DeadlineExpired) => void) {}

  /** Arms (or re-arms from now) the deadline of a phase. Re-arming the same deadline reuses its timer. */
  start(phase: DeadlinePhase, timeoutMs: number): void {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      this.stop(phase);
      return;
    }
    const existing = this.timers.get(phase);
    if (existing && existing.ms === timeoutMs) {
      existing.timer.refresh();
      existing.armed = true;
      return;
    }
    if (existing) clearTimeout(existing.timer);
    const entry = {
      ms: timeoutMs,
      armed: true,
      timer: setTimeout(() => {
        if (entry.armed) this.abort(new DeadlineExpired(phase, timeoutMs));
      }, timeoutMs),
    };
    entry.timer.unref();
    this.timers.set(phase, entry);
  }

  /** Whether a phase's deadline is armed. */
  has(phase: DeadlinePhase): boolean {
    return this.timers.get(phase)?.armed ?? false;
  }

  /** Disarms a phase. Its timer is kept (a cleared timer cannot be refreshed) and ignored if it fires. */
  stop(phase: DeadlinePhase): void {
    const entry = this.timers.get(phase);
    if (entry) entry.armed = false;
  }

  stopAll(): void {
    for (const entry of this.timers.values()) clearTimeout(entry.timer);
    this.timers.clear();
  }
}
