import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import {
  RATE_WINDOW_MS,
  RateLimiter,
  type RateDecision,
  type RateLimits,
  type SharedRateReply,
  type SharedRateStore,
} from './rate-limiter.js';
import { SlidingWindowLog } from './sliding-window.js';

const limits = (overrides: Partial<RateLimits>): RateLimits => ({
  onLimit: 'failover',
  maxWaitMs: 2_000,
  ...overrides,
});

/** A shared window double: decides like Redis would (its own log), or fails while `down`. */
class FakeShared implements SharedRateStore {
  down = false;
  reserves = 0;
  readonly adjusted: { id: string; reserved: number; tokens: number | undefined }[] = [];
  readonly log: SlidingWindowLog;

  constructor(private readonly clock: FakeClock) {
    this.log = new SlidingWindowLog(RATE_WINDOW_MS);
  }

  usable(): boolean {
    return !this.down;
  }

  async reserve(request: Parameters<SharedRateStore['reserve']>[0]): Promise<SharedRateReply> {
    this.reserves += 1;
    if (this.down) throw new Error('Connection is closed.');
    const now = this.clock.now();
    const decision = this.log.tryAdd(
      now,
      { requests: request.requestsPerMinute, tokens: request.tokensPerMinute },
      request.tokens,
    );
    return decision.ok ? { ok: true } : { ok: false, retryAfterMs: decision.retryAt - now };
  }

  adjust(_provider: string, id: string, reserved: number, tokens: number | undefined): void {
    this.adjusted.push({ id, reserved, tokens });
  }
}

const resolved = async (decision: RateDecision | Promise<RateDecision>) => decision;

describe('SlidingWindowLog (fake time)', () => {
  it('admits the limit, then refuses until the oldest call leaves the window', () => {
    const log = new SlidingWindowLog(60_000);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i += 1)
      expect(log.tryAdd(t0 + i * 10, { requests: 3 }, 0).ok).toBe(true);
    const refused = log.tryAdd(t0 + 100, { requests: 3 }, 0);
    expect(refused).toEqual({ ok: false, retryAt: t0 + 60_000 });
    // One millisecond early: still inside the window.
    expect(log.tryAdd(t0 + 59_999, { requests: 3 }, 0).ok).toBe(false);
    expect(log.tryAdd(t0 + 60_000, { requests: 3 }, 0).ok).toBe(true);
    // The next place frees when the second call leaves.
    expect(log.tryAdd(t0 + 60_001, { requests: 3 }, 0)).toEqual({
      ok: false,
      retryAt: t0 + 10 + 60_000,
    });
  });

  it('is a true per-window bound: no interval of 60 s ever holds more than the limit', () => {
    const log = new SlidingWindowLog(60_000);
    let seed = 7;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647) * 1;
    const admitted: number[] = [];
    let now = 0;
    for (let i = 0; i < 5_000; i += 1) {
      now += Math.floor(random() * 100);
      if (log.tryAdd(now, { requests: 50 }, 0).ok) admitted.push(now);
    }
    expect(admitted.length).toBeGreaterThan(50);
    for (let i = 50; i < admitted.length; i += 1) {
      // The 51st call after any admitted call starts at least a full window later.
      expect((admitted[i] as number) - (admitted[i - 50] as number)).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('bounds tokens, admits one oversized call into an empty window, corrects and removes', () => {
    const log = new SlidingWindowLog(60_000);
    expect(log.tryAdd(0, { tokens: 100 }, 500).ok).toBe(true); // empty window: admitted
    expect(log.tryAdd(1, { tokens: 100 }, 1)).toEqual({ ok: false, retryAt: 60_000 });
    const small = new SlidingWindowLog(60_000);
    const first = small.tryAdd(0, { tokens: 100 }, 80);
    if (!first.ok) throw new Error('expected a place');
    expect(small.tryAdd(1, { tokens: 100 }, 30).ok).toBe(false);
    small.adjust(first.entry, 20); // the call used less than reserved
    expect(small.tokens(2)).toBe(20);
    const second = small.tryAdd(2, { tokens: 100 }, 30);
    expect(second.ok).toBe(true);
    if (second.ok) small.remove(second.entry);
    expect(small.count(3)).toBe(1);
    expect(small.tokens(3)).toBe(20);
    expect(small.count(60_000)).toBe(0);
    expect(small.tokens(60_000)).toBe(0);
  });
});

describe('RateLimiter (fake clock)', () => {
  it('in memory mode holds the whole limit in this process and reports rateLimited while at it', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 2 }),
      clock,
      workerId: 'w',
    });
    expect((await resolved(limiter.reserve(0))).ok).toBe(true);
    clock.advance(1_000);
    expect((await resolved(limiter.reserve(0))).ok).toBe(true);
    expect(limiter.rateLimited()).toBe(false);
    const denied = await resolved(limiter.reserve(0));
    expect(denied).toEqual({ ok: false, retryAt: clock.now() - 1_000 + 60_000 });
    expect(limiter.rateLimited()).toBe(true);
    clock.advance(59_000);
    expect(limiter.rateLimited()).toBe(false);
    expect((await resolved(limiter.reserve(0))).ok).toBe(true);
  });

  it('a refund gives the place back; tokens are reserved capped at the limit and corrected to usage', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 1, tokensPerMinute: 1_000 }),
      clock,
      workerId: 'w',
    });
    const first = await resolved(limiter.reserve(50));
    if (!first.ok) throw new Error('expected a place');
    expect((await resolved(limiter.reserve(50))).ok).toBe(false);
    first.refund();
    first.settle(10); // after a refund: ignored
    const second = await resolved(limiter.reserve(5_000)); // capped at 1,000
    expect(second.ok).toBe(true);

    const tokens = new RateLimiter({
      provider: 'b',
      limits: limits({ tokensPerMinute: 1_000 }),
      clock,
      workerId: 'w',
    });
    const big = await resolved(tokens.reserve(900));
    if (!big.ok) throw new Error('expected a place');
    expect((await resolved(tokens.reserve(200))).ok).toBe(false);
    big.settle(100); // the call used 100 tokens
    expect((await resolved(tokens.reserve(800))).ok).toBe(true);
    expect((await resolved(tokens.reserve(200))).ok).toBe(false);
  });

  it('shared: Redis decides, corrections go to Redis, and every admitted call is counted locally too', async () => {
    const clock = new FakeClock();
    const shared = new FakeShared(clock);
    const limiter = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 4, tokensPerMinute: 10_000 }),
      clock,
      shared,
      workers: () => 4,
      workerId: 'w1',
    });
    // Another worker already used three places of the shared window.
    for (let i = 0; i < 3; i += 1) shared.log.add(clock.now(), 0);
    const grant = await resolved(limiter.reserve(100));
    expect(grant.ok).toBe(true);
    if (grant.ok) grant.settle(40);
    expect(shared.adjusted).toEqual([
      { id: expect.stringMatching(/^w1:\d+$/), reserved: 100, tokens: 40 },
    ]);
    const denied = await resolved(limiter.reserve(100));
    expect(denied).toEqual({ ok: false, retryAt: clock.now() + 60_000 });
    expect(shared.reserves).toBe(2);
  });

  it('Redis down: falls back to limit / workers, counting its own calls of the shared phase; Redis again when usable', async () => {
    const clock = new FakeClock();
    const shared = new FakeShared(clock);
    const limiter = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 40 }),
      clock,
      shared,
      workers: () => 4,
      workerId: 'w1',
    });
    // Shared phase: this worker makes 6 calls (Redis admits them).
    for (let i = 0; i < 6; i += 1) expect((await resolved(limiter.reserve(0))).ok).toBe(true);
    // Redis fails mid-command (usable, then the script throws): the local share decides.
    const failing: SharedRateStore = {
      usable: () => true,
      reserve: () => Promise.reject(new Error('Command timed out')),
      adjust: () => undefined,
    };
    const viaFailure = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 40 }),
      clock,
      shared: failing,
      workers: () => 4,
      workerId: 'w2',
    });
    let admitted = 0;
    for (let i = 0; i < 20; i += 1) if ((await resolved(viaFailure.reserve(0))).ok) admitted += 1;
    expect(admitted).toBe(10); // 40 / 4 workers

    // Unusable store: no Redis call is tried; the 6 shared-phase calls count against the share.
    shared.down = true;
    const before = shared.reserves;
    admitted = 0;
    for (let i = 0; i < 20; i += 1) {
      const decision = limiter.reserve(0);
      expect(decision).not.toBeInstanceOf(Promise);
      if ((await resolved(decision)).ok) admitted += 1;
    }
    expect(admitted).toBe(4);
    expect(shared.reserves).toBe(before);
    // Redis back: it decides again (its window holds the 6 shared-phase calls).
    shared.down = false;
    expect((await resolved(limiter.reserve(0))).ok).toBe(true);
    expect(shared.reserves).toBe(before + 1);
  });

  it('a limiter rebuilt for the same provider (a reload) keeps counting in its window', async () => {
    const clock = new FakeClock();
    const window = new SlidingWindowLog(RATE_WINDOW_MS);
    const make = (requestsPerMinute: number) =>
      new RateLimiter({
        provider: 'a',
        limits: limits({ requestsPerMinute }),
        clock,
        workerId: 'w',
        window,
      });
    const before = make(3);
    for (let i = 0; i < 3; i += 1) expect((await resolved(before.reserve(0))).ok).toBe(true);
    before.close();
    // The new config raises the limit to 4: one more call this minute, not four.
    const after = make(4);
    expect((await resolved(after.reserve(0))).ok).toBe(true);
    expect((await resolved(after.reserve(0))).ok).toBe(false);
  });

  it('an unknown worker count (no registry yet) falls back to the whole limit per process', async () => {
    const clock = new FakeClock();
    const shared = new FakeShared(clock);
    shared.down = true;
    const limiter = new RateLimiter({
      provider: 'a',
      limits: limits({ requestsPerMinute: 8 }),
      clock,
      shared,
      workers: () => undefined,
      workerId: 'w',
    });
    let admitted = 0;
    for (let i = 0; i < 20; i += 1) if ((await resolved(limiter.reserve(0))).ok) admitted += 1;
    expect(admitted).toBe(8);
  });
});
