import type { TimeoutPhase } from '../errors/timeout-error.js';

/** The abort reason of a deadline: tells a timeout from a caller's cancellation. */
export class DeadlineExpired extends Error {
  constructor(
    readonly phase: TimeoutPhase,
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
  private readonly timers = new Map<TimeoutPhase, NodeJS.Timeout>();

  constructor(private readonly abort: (reason: DeadlineExpired) => void) {}

  start(phase: TimeoutPhase, timeoutMs: number): void {
    this.stop(phase);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return;
    const timer = setTimeout(() => this.abort(new DeadlineExpired(phase, timeoutMs)), timeoutMs);
    timer.unref();
    this.timers.set(phase, timer);
  }

  stop(phase: TimeoutPhase): void {
    const timer = this.timers.get(phase);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(phase);
    }
  }

  stopAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
