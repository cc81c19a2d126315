import { describe, expect, it } from 'vitest';
import { fullJitterBackoff } from './backoff.js';
import { extendDeadline } from './cooldown.js';

describe('fullJitterBackoff', () => {
  const base = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('draws uniformly up to initial x 2^(n-1), capped at maxDelayMs', () => {
    expect(fullJitterBackoff(1, { ...base, random: () => 0.999 })).toBe(99);
    expect(fullJitterBackoff(3, { ...base, random: () => 0.5 })).toBe(200);
    expect(fullJitterBackoff(10, { ...base, random: () => 0.999 })).toBe(999);
    expect(fullJitterBackoff(2, { ...base, random: () => 0 })).toBe(0);
  });

  it('spreads concurrent retries over the whole window (no retry storm)', () => {
    const delays = Array.from({ length: 1000 }, () => fullJitterBackoff(4, base));
    const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
    expect(buckets.size).toBeGreaterThanOrEqual(7);
    expect(Math.max(...delays)).toBeLessThan(800);
  });
});

describe('extendDeadline', () => {
  it('only ever extends, capped at now + max', () => {
    expect(extendDeadline(null, 2_000, 1_000, 10_000)).toBe(2_000);
    expect(extendDeadline(5_000, 2_000, 1_000, 10_000)).toBe(5_000);
    expect(extendDeadline(5_000, 99_999, 1_000, 10_000)).toBe(11_000);
    expect(extendDeadline(null, 500, 1_000, 10_000)).toBeNull();
  });
});
