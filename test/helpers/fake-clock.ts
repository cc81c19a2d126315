import { setImmediate as realSetImmediate } from 'node:timers';
import type { Clock } from '../../src/internal/clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock tests move by hand. It owns its timers: `advance` moves time and fires what came due, in
 * order; `tick` does the same while letting promise continuations run between timers, so code that
 * sleeps on this clock (backoff, Retry-After waits) runs on fake time with no real waiting.
 */
export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(private time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  schedule(callback: () => void, ms: number): () => void {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (let next = this.due(target); next; next = this.due(target)) {
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }

  /** Advances in steps, flushing promise continuations before and after each timer. */
  async tick(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (let next = this.due(target); next; next = this.due(target)) {
      this.time = next.at;
      next.callback();
      await flush();
    }
    this.time = target;
    await flush();
  }

  /** Runs timers until none is left (or `limitMs` of fake time passed). */
  async runAll(limitMs = 3_600_000): Promise<void> {
    const end = this.time + limitMs;
    await flush();
    while (this.timers.length && this.time < end) {
      const next = this.due(end);
      if (!next) break;
      this.time = next.at;
      next.callback();
      await flush();
    }
  }

  private due(target: number): Timer | undefined {
    let first: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= target && (!first || t.at < first.at || (t.at === first.at && t.seq < first.seq)))
        first = t;
    }
    if (first) this.timers = this.timers.filter((t) => t !== first);
    return first;
  }
}

/**
 * Lets every pending promise continuation run, however long its chain of awaits: a macrotask turn
 * comes only once the microtask queue is empty. (A fixed number of microtask turns made tests
 * depend on how many awaits the code under test happens to take.) node:timers' own setImmediate,
 * so a test that also fakes the global timers still flushes.
 */
function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}
