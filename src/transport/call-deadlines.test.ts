import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallDeadlines, type DeadlineExpired } from './call-deadlines.js';

describe('CallDeadlines (fake timers)', () => {
  let fired: DeadlineExpired[];
  let deadlines: CallDeadlines;

  beforeEach(() => {
    vi.useFakeTimers();
    fired = [];
    deadlines = new CallDeadlines((reason) => fired.push(reason));
  });
  afterEach(() => {
    deadlines.stopAll();
    vi.useRealTimers();
  });

  it('fires once at the deadline with its phase', () => {
    deadlines.start('first_byte', 100);
    vi.advanceTimersByTime(99);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(fired.map((r) => [r.phase, r.timeoutMs])).toEqual([['first_byte', 100]]);
  });

  it('a stopped deadline never fires; re-arming it counts from the new start', () => {
    deadlines.start('idle', 100);
    vi.advanceTimersByTime(60);
    deadlines.stop('idle');
    vi.advanceTimersByTime(200);
    expect(fired).toHaveLength(0);
    expect(deadlines.has('idle')).toBe(false);
    deadlines.start('idle', 100);
    expect(deadlines.has('idle')).toBe(true);
    vi.advanceTimersByTime(99);
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(fired.map((r) => r.phase)).toEqual(['idle']);
  });

  it('re-arming a running deadline pushes it back (each chunk resets the idle deadline)', () => {
    deadlines.start('idle', 100);
    for (let i = 0; i < 10; i += 1) {
      vi.advanceTimersByTime(80);
      deadlines.start('idle', 100);
    }
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(100);
    expect(fired).toHaveLength(1);
  });

  it('a different duration replaces the timer', () => {
    deadlines.start('total', 500);
    deadlines.start('total', 100);
    vi.advanceTimersByTime(100);
    expect(fired.map((r) => r.timeoutMs)).toEqual([100]);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(1);
  });

  it('a non-positive or infinite duration disarms the phase', () => {
    deadlines.start('total', 100);
    deadlines.start('total', 0);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(0);
  });
});
