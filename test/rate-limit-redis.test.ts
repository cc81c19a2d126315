import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { redisSyncSchema } from '../src/config/sync-config-schema.js';
import { RedisRateLimitStore } from '../src/state/redis/redis-rate-limit-store.js';
import { captureLogger } from './helpers/capture-logger.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { startOwnRedis, type OwnRedis } from './helpers/redis-server.js';

const WINDOW = 60_000;
const T0 = Date.UTC(2026, 0, 1);

/** The rate-limit Lua scripts against a real Redis, with the time pinned (Redis TIME otherwise). */
describeRedis('rate limits: the Redis sliding window (real Redis, pinned time)', () => {
  let prefix = '';
  let now = T0;
  let store: RedisRateLimitStore;
  let raw: Redis;

  const reserve = (
    id: string,
    options: { rpm?: number; tpm?: number; tokens?: number; provider?: string } = {},
  ) =>
    store.reserve({
      provider: options.provider ?? 'a',
      id,
      tokens: options.tokens ?? 0,
      requestsPerMinute: options.rpm,
      tokensPerMinute: options.tpm,
      windowMs: WINDOW,
    });

  beforeAll(async () => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(() => raw.disconnect());

  async function open(): Promise<void> {
    prefix = uniquePrefix('rate');
    now = T0;
    store = new RedisRateLimitStore({
      config: redisSyncSchema.parse({ backend: 'redis', url: REDIS_URL, keyPrefix: prefix }),
      workerId: 'w1',
      logger: captureLogger('debug').logger,
      now: () => now,
    });
    await store.ready();
    expect(store.usable()).toBe(true);
  }

  afterEach(async () => {
    await store.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  it('admits requestsPerMinute in the window, then says when the place that holds it frees', async () => {
    await open();
    for (let i = 0; i < 5; i += 1) {
      expect(await reserve(`r${i}`, { rpm: 5 })).toEqual({ ok: true });
      now += 1_000;
    }
    // Calls at T0 .. T0+4s; now T0+5s: the first one leaves at T0+60s.
    expect(await reserve('r5', { rpm: 5 })).toEqual({ ok: false, retryAfterMs: 55_000 });
    now = T0 + WINDOW - 1;
    expect((await reserve('r6', { rpm: 5 })).ok).toBe(false);
    now = T0 + WINDOW;
    expect(await reserve('r7', { rpm: 5 })).toEqual({ ok: true });
    // Refused again; the next place frees when the call of T0+1s leaves.
    expect(await reserve('r8', { rpm: 5 })).toEqual({ ok: false, retryAfterMs: 1_000 });
    // A refused call left nothing behind; a provider's window is its own.
    expect(await raw.zcard(`${prefix}ratelimit:{a}:log`)).toBe(5);
    expect(await reserve('b0', { rpm: 5, provider: 'b' })).toEqual({ ok: true });
  });

  it('is exact under concurrency: 300 reservations at once against a limit of 100 admit 100', async () => {
    await open();
    const replies = await Promise.all(
      Array.from({ length: 300 }, (_, i) => reserve(`c${i}`, { rpm: 100 })),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(100);
  });

  it('tokensPerMinute: sums reservations, admits one oversized call into an empty window, corrects and removes', async () => {
    await open();
    expect(await reserve('t0', { tpm: 1_000, tokens: 600 })).toEqual({ ok: true });
    now += 1_000;
    expect(await reserve('t1', { tpm: 1_000, tokens: 500 })).toEqual({
      ok: false,
      retryAfterMs: 59_000,
    });
    // The call used 100 tokens: corrected, 900 now fit.
    store.adjust('a', 't0', 600, 100);
    expect(await reserve('t2', { tpm: 1_000, tokens: 900 })).toEqual({ ok: true });
    expect(await raw.get(`${prefix}ratelimit:{a}:tokens`)).toBe('1000');
    // t2 never reached the provider: removed.
    store.adjust('a', 't2', 900, undefined);
    expect(await reserve('t3', { tpm: 1_000, tokens: 900 })).toEqual({ ok: true });
    expect(await raw.zrange(`${prefix}ratelimit:{a}:log`, '0', '-1')).toEqual(['t0:100', 't3:900']);
    // Once every call left the window, the sum starts over; an oversized call fits an empty window.
    now += WINDOW;
    expect(await reserve('t4', { tpm: 1_000, tokens: 5_000 })).toEqual({ ok: true });
    expect(await raw.get(`${prefix}ratelimit:{a}:tokens`)).toBe('5000');
    // Keys expire on their own (two windows).
    const ttl = await raw.pttl(`${prefix}ratelimit:{a}:log`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2 * WINDOW);
  });

  it('Redis time when no time is pinned: a refusal waits at most one window', async () => {
    await open();
    const unpinned = new RedisRateLimitStore({
      config: redisSyncSchema.parse({ backend: 'redis', url: REDIS_URL, keyPrefix: prefix }),
      workerId: 'w2',
      logger: captureLogger('debug').logger,
    });
    try {
      await unpinned.ready();
      const args = {
        provider: 'real',
        tokens: 0,
        requestsPerMinute: 1,
        tokensPerMinute: undefined,
      };
      expect(await unpinned.reserve({ ...args, id: 'x1', windowMs: WINDOW })).toEqual({ ok: true });
      const refused = await unpinned.reserve({ ...args, id: 'x2', windowMs: WINDOW });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(WINDOW);
      }
    } finally {
      await unpinned.close();
    }
  });
});

describeRedis('rate limits: a Redis that goes away (own redis-server)', () => {
  let own: OwnRedis;
  beforeAll(async () => {
    own = await startOwnRedis();
  });
  afterAll(async () => {
    await own.stop();
  });

  it('a dead Redis makes the store unusable at once, logs one warning, and it is usable again when Redis returns', async () => {
    const log = captureLogger('debug');
    const store = new RedisRateLimitStore({
      config: redisSyncSchema.parse({
        backend: 'redis',
        url: own.url,
        keyPrefix: uniquePrefix('rate-own'),
        reconnectMinDelayMs: 50,
        reconnectMaxDelayMs: 200,
      }),
      workerId: 'w1',
      logger: log.logger,
    });
    try {
      await store.ready();
      const args = { provider: 'a', tokens: 0, requestsPerMinute: 10, tokensPerMinute: undefined };
      expect(await store.reserve({ ...args, id: '1', windowMs: WINDOW })).toEqual({ ok: true });
      await own.kill();
      // The connection notices the kill (a reset), or the next command fails at once.
      await store.reserve({ ...args, id: '2', windowMs: WINDOW }).catch(() => undefined);
      expect(store.usable()).toBe(false);
      for (let i = 0; i < 20; i += 1) {
        await store.reserve({ ...args, id: `x${i}`, windowMs: WINDOW }).catch(() => undefined);
      }
      const warnings = log
        .lines()
        .filter((l) => l.level === 40 && /rate limits/.test(String(l.msg)));
      expect(warnings).toHaveLength(1);
      await own.restart();
      const started = performance.now();
      while (!store.usable()) {
        if (performance.now() - started > 30_000) throw new Error('store never usable again');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await store.reserve({ ...args, id: '3', windowMs: WINDOW })).toEqual({ ok: true });
      expect(log.lines().some((l) => l.level === 30 && /shared again/.test(String(l.msg)))).toBe(
        true,
      );
    } finally {
      await store.close();
    }
  }, 60_000);
});
