/**
 * The time source of every time-based rule: circuit deadlines, cooldowns, backoff and retry waits.
 * Tests inject a fake clock that also owns the timers, so waits run on fake time without sockets.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Runs `callback` after `ms` of this clock's time and returns a function that cancels it. A clock
   * without it waits on real, unref'd timers.
   */
  schedule?(callback: () => void, ms: number): () => void;
}

/** A real timer, unref'd: a pending backoff never keeps the process alive on its own. */
function scheduleReal(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
}

export const systemClock: Clock = { now: () => Date.now(), schedule: scheduleReal };

/** Schedules on the clock's timers, or on real unref'd timers when it has none. */
export const scheduleOn = (clock: Clock, callback: () => void, ms: number): (() => void) =>
  clock.schedule ? clock.schedule(callback, ms) : scheduleReal(callback, ms);
