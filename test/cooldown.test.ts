import { afterEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { fault } from '../src/testing/faults.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

describe('rate limits and Retry-After (fake clock)', () => {
  let fleet: Fleet;
  let clock: FakeClock;
  afterEach(() => fleet.close());

  const make = async (count = 2, retry: Record<string, number> = {}) => {
    clock = new FakeClock();
    fleet = await createFleet(
      count,
      (c) => ({
        ...c,
        retry: { ...c.retry, defaultCooldownMs: 500, maxCooldownMs: 10_000, ...retry },
      }),
      { clock },
    );
  };

  it('U2: after a 429 with Retry-After: 2, no call reaches A for 2 s and B serves', async () => {
    await make();
    fleet.sims[0]?.enqueue(fault.rateLimited(2));
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('b');
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({
      cooldownUntil: clock.now() + 2_000,
      state: 'closed',
      failures: 0,
      healthy: false,
    });
    for (const step of [0, 500, 1_499]) {
      clock.advance(step);
      const res = await fleet.ai.chatCompletion(userMessage());
      expect(res.provider).toBe('b');
      expect(res.attempts[0]).toMatchObject({ provider: 'a', skipped: 'cooldown' });
    }
    expect(fleet.sims[0]?.chatCalls).toBe(1);
    clock.advance(1);
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('a');
    expect(fleet.sims[0]?.chatCalls).toBe(2);
  });

  it('U3: a later 429 without Retry-After never shortens the cooldown', async () => {
    await make();
    // Two concurrent requests meet the two 429s in either order.
    fleet.sims[0]?.enqueue(fault.rateLimited(1), fault.rateLimited());
    const both = await Promise.all([
      fleet.ai.chatCompletion(userMessage()),
      fleet.ai.chatCompletion(userMessage()),
    ]);
    expect(both.map((r) => r.provider)).toEqual(['b', 'b']);
    expect(fleet.ai.getProviderStatus()[0]?.cooldownUntil).toBe(clock.now() + 1_000);
    clock.advance(600); // past the 500 ms default cooldown
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('b');
    expect(fleet.sims[0]?.chatCalls).toBe(2);
    // A further 429 without a header extends from now.
    clock.advance(400);
    fleet.sims[0]?.enqueue(fault.rateLimited());
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getProviderStatus()[0]?.cooldownUntil).toBe(clock.now() + 500);
  });

  it('U4: Retry-After as an HTTP date is honoured', async () => {
    await make();
    fleet.sims[0]?.enqueue(fault.rateLimited(new Date(clock.now() + 4_000).toUTCString()));
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getProviderStatus()[0]?.cooldownUntil).toBe(clock.now() + 4_000);
  });

  it('U4: Retry-After: 86400 is capped at maxCooldownMs', async () => {
    await make();
    fleet.sims[0]?.enqueue(fault.rateLimited(86_400));
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getProviderStatus()[0]?.cooldownUntil).toBe(clock.now() + 10_000);
  });

  it('a lone provider is retried after its Retry-After when that fits the backoff ceiling', async () => {
    // The wait between passes uses real time; the fake clock only decides availability.
    clock = new FakeClock();
    fleet = await createFleet(
      1,
      (c) => ({ ...c, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2_000 } }),
      {
        clock: { now: () => Date.now() },
      },
    );
    fleet.sims[0]?.enqueue(fault.status(429, { retryAfterMs: 120 }));
    const started = Date.now();
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('a');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(fleet.sims[0]?.chatCalls).toBe(2);
  });

  it('adds the jitter on top of the Retry-After wait, so requests cooled together come back spread', async () => {
    fleet = await createFleet(
      1,
      (c) => ({ ...c, retry: { maxAttempts: 2, initialDelayMs: 200, maxDelayMs: 2_000 } }),
      // Real time; the jitter drawn is half the first backoff ceiling: 100 ms.
      { clock: { now: () => Date.now() }, random: () => 0.5 },
    );
    fleet.sims[0]?.enqueue(fault.status(429, { retryAfterMs: 100 }));
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('a');
    const [first, second] = fleet.sims[0]?.requests ?? [];
    const gap = (second?.receivedAt ?? 0) - (first?.receivedAt ?? 0);
    // 100 ms Retry-After + 100 ms jitter (the jitter is not swallowed by the longer of the two).
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(gap).toBeLessThan(1_000);
  });

  it('fails fast with retryAfterMs when the only provider cools down longer than the backoff ceiling', async () => {
    await make(1, { maxDelayMs: 1_000 });
    fleet.sims[0]?.enqueue(fault.rateLimited(5));
    const error = (await fleet.ai
      .chatCompletion(userMessage())
      .catch((e: unknown) => e)) as AllProvidersFailedError;
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBe(5_000);
    expect(fleet.sims[0]?.chatCalls).toBe(1);
  });
});
