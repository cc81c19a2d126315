/** The time source of every time-based rule; tests inject a fake or use fake timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
