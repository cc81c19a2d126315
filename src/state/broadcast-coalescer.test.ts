import { afterEach, describe, expect, it, vi } from 'vitest';
import { BroadcastCoalescer } from './broadcast-coalescer.js';

describe('BroadcastCoalescer', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the first change at once, folds a burst into one trailing send per window', async () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    let value = 0;
    const coalescer = new BroadcastCoalescer({
      windowMs: 50,
      send: async () => void sent.push(value),
    });
    value = 1;
    coalescer.notify('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([1]);
    for (value = 2; value <= 1_000; value += 1) coalescer.notify('a');
    value = 1_000;
    await vi.advanceTimersByTimeAsync(49);
    expect(sent).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([1, 1_000]);
    expect(coalescer.counts()).toEqual({ notified: 1_000, sent: 2 });
    coalescer.close();
  });

  it('never overlaps sends of one key, and keys do not wait for each other', async () => {
    vi.useFakeTimers();
    let release: () => void = () => undefined;
    const calls: string[] = [];
    const coalescer = new BroadcastCoalescer({
      windowMs: 10,
      send: (key) => {
        calls.push(key);
        return key === 'slow'
          ? new Promise<void>((resolve) => (release = resolve))
          : Promise.resolve();
      },
    });
    coalescer.notify('slow');
    await vi.advanceTimersByTimeAsync(0);
    coalescer.notify('slow');
    coalescer.notify('fast');
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['slow', 'fast']);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toEqual(['slow', 'fast', 'slow']);
    coalescer.close();
  });
});
