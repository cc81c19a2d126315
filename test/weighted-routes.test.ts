import { afterEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

/** A seeded PRNG (mulberry32), passed as the client's `random`. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

describe('weighted routes over real simulators', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  const make = () =>
    createFleet(
      3,
      (c) => ({
        ...c,
        retry: { ...c.retry, maxAttempts: 1 },
        routes: { spread: { providers: ['a', 'b', 'c'], weights: { a: 3, b: 1 } } },
      }),
      { random: seeded(7) },
    );

  it('spreads calls in proportion to the weights; the unweighted provider gets none while both answer', async () => {
    fleet = await make();
    for (let i = 0; i < 400; i += 1) {
      await fleet.ai.chatCompletion({ ...userMessage(), model: 'spread' });
    }
    const [a, b, c] = fleet.sims.map((s) => s.chatCalls);
    expect(a! + b!).toBe(400);
    expect(c).toBe(0);
    expect(a! / 400).toBeGreaterThan(0.65);
    expect(a! / 400).toBeLessThan(0.85);
  });

  it('still fails over through what is left: with a and b down every request reaches c', async () => {
    fleet = await make();
    fleet.sims[0]?.setDefault(fault.status(500));
    fleet.sims[1]?.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) {
      const res = await fleet.ai.chatCompletion({ ...userMessage(), model: 'spread' });
      expect(res.provider).toBe('c');
      expect(
        res.attempts
          .filter((x) => !x.ok)
          .map((x) => x.provider)
          .sort(),
      ).toEqual(['a', 'b']);
    }
    expect(fleet.sims[2]?.chatCalls).toBe(3);
  });
});
