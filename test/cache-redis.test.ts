import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { cacheKey } from '../src/cache/cache-key.js';
import { FlexiAI } from '../src/client/flexiai.js';
import type { CacheConfigInput } from '../src/config/cache-config-schema.js';
import { silentLogger } from '../src/internal/logger.js';
import { fault } from '../src/testing/faults.js';
import { getClosedPort } from '../src/testing/free-port.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { captureLogger } from './helpers/capture-logger.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { forkWorker, killWorker } from './helpers/worker-processes.js';

const WORKER = fileURLToPath(new URL('./fixtures/cache-worker-process.ts', import.meta.url));

describeRedis('response cache (Redis)', () => {
  let sim: SimulatedProvider;
  let redis: Redis;
  let prefix: string;
  const clients: FlexiAI[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  async function start(cache: Partial<CacheConfigInput> = {}, logger = silentLogger) {
    prefix = uniquePrefix('cache');
    sim = await createSimulatedProvider({ name: 'a', apiKey: CANARY.compatible });
    const ai = await FlexiAI.create(
      {
        providers: [
          {
            name: 'a',
            type: 'openai-compatible',
            baseURL: sim.baseURL,
            apiKey: CANARY.compatible,
            model: 'model-a',
          },
        ],
        retry: { maxAttempts: 1 },
        cache: { backend: 'redis', redis: { url: REDIS_URL, keyPrefix: prefix }, ...cache },
      },
      { logger, env: false },
    );
    clients.push(ai);
    return ai;
  }

  const keyOf = (content: string, scope = '-') =>
    `${prefix}cache:${cacheKey({ messages: [{ role: 'user', content }] }, 'default', scope)}`;
  const ask = (ai: FlexiAI, content: string) =>
    ai.chatCompletion({ messages: [{ role: 'user', content }] });

  it('stores answers in Redis with a TTL, never a credential, and serves them to another client', async () => {
    const ai = await start({ ttlMs: 60_000 });
    const first = await ask(ai, 'shared');
    // Stored right after the answer is handed over (the caller does not wait for Redis).
    const stored = await vi.waitFor(
      async () => {
        const value = await redis.get(keyOf('shared'));
        if (!value) throw new Error('not stored yet');
        return value;
      },
      { timeout: 5_000, interval: 10 },
    );
    expectNoCanary(stored!, 'the Redis payload');
    const ttl = await redis.pttl(keyOf('shared'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // A second client (another worker) on the same Redis gets it without an upstream call.
    const other = await FlexiAI.create(
      {
        providers: [
          {
            name: 'a',
            type: 'openai-compatible',
            baseURL: sim.baseURL,
            apiKey: CANARY.compatible,
            model: 'model-a',
          },
        ],
        cache: { backend: 'redis', redis: { url: REDIS_URL, keyPrefix: prefix } },
      },
      { logger: silentLogger, env: false },
    );
    clients.push(other);
    const second = await ask(other, 'shared');
    expect(second).toMatchObject({ cached: true, content: first.content, attempts: [] });
    expect(sim.chatCalls).toBe(1);
  });

  it('a corrupt, older-format or oversized value in Redis is a miss, never a crash', async () => {
    const ai = await start({ maxValueBytes: 4_096 });
    const values = [
      'garbage{',
      JSON.stringify({ v: 0, response: { content: 'old' } }),
      JSON.stringify({ v: 1, at: 0, exp: 9e15, answer: { content: 'x'.repeat(5_000) } }),
    ];
    for (const [i, value] of values.entries()) {
      await redis.set(keyOf(`bad ${i}`), value);
      const response = await ask(ai, `bad ${i}`);
      expect(response.cached).toBeUndefined();
      expect(response.content).toContain(`bad ${i}`);
    }
    expect(sim.chatCalls).toBe(values.length);
    // ... and overwritten with a good one.
    expect((await ask(ai, 'bad 0')).cached).toBe(true);
  });

  it('an answer over maxValueBytes is not stored in Redis', async () => {
    const ai = await start({ maxValueBytes: 2_048 });
    sim.setDefault(fault.ok({ content: 'y'.repeat(3_000) }));
    await ask(ai, 'large');
    await ask(ai, 'large');
    expect(sim.chatCalls).toBe(2);
    expect(await redis.exists(keyOf('large'))).toBe(0);
    expect(ai.getCacheStats()).toMatchObject({ oversized: 2, stores: 0 });
  });

  it('scope key: entries are keyed by the gateway key id (C11 in Redis)', async () => {
    const ai = await start();
    await ai.chatCompletion(
      { messages: [{ role: 'user', content: 't' }] },
      { gatewayKeyId: 'key-aaaa' },
    );
    await ai.chatCompletion(
      { messages: [{ role: 'user', content: 't' }] },
      { gatewayKeyId: 'key-bbbb' },
    );
    expect(sim.chatCalls).toBe(2);
    await vi.waitFor(
      async () =>
        expect(await redis.exists(keyOf('t', 'key-aaaa'), keyOf('t', 'key-bbbb'))).toBe(2),
      { timeout: 5_000, interval: 10 },
    );
  });

  it('a lock held by a stuck worker delays followers by coalesceTimeoutMs at most, then they call', async () => {
    const ai = await start({ coalesceTimeoutMs: 300 });
    // Another worker took the lock and died without answering.
    await redis.set(
      `${keyOf('stuck')}`.replace(`${prefix}cache:`, `${prefix}cache:lock:`),
      'dead-worker',
      'PX',
      60_000,
    );
    const response = await ask(ai, 'stuck');
    expect(response.cached).toBeUndefined();
    expect(sim.chatCalls).toBe(1);
    // Its answer was stored all the same.
    expect((await ask(ai, 'stuck')).cached).toBe(true);
  });

  it('Redis down: every request is served (a miss), the fault logged once and counted', async () => {
    const log = captureLogger('debug');
    prefix = uniquePrefix('cache-down');
    sim = await createSimulatedProvider({ name: 'a', apiKey: CANARY.compatible });
    const port = await getClosedPort();
    const ai = await FlexiAI.create(
      {
        providers: [
          {
            name: 'a',
            type: 'openai-compatible',
            baseURL: sim.baseURL,
            apiKey: CANARY.compatible,
            model: 'model-a',
          },
        ],
        cache: {
          backend: 'redis',
          redis: {
            url: `redis://127.0.0.1:${port}`,
            password: 'CANARY-redis-password',
            connectTimeoutMs: 200,
          },
        },
      },
      { logger: log.logger, env: false },
    );
    clients.push(ai);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ask(ai, `down ${i % 4}`)),
    );
    expect(responses.every((r) => typeof r.content === 'string')).toBe(true);
    // Identical concurrent requests are still coalesced in this process.
    expect(sim.chatCalls).toBe(4);
    expect(ai.getCacheStats()!.errors).toBeGreaterThanOrEqual(4);
    const warnings = log.lines().filter((l) => l.level === 40 && String(l.msg).includes('cache'));
    expect(warnings).toHaveLength(1);
    expect(log.text()).not.toContain('CANARY-redis-password');
  });

  it('C9 across 2 processes: 500 identical concurrent requests on a cold cache make one upstream call', async () => {
    prefix = uniquePrefix('cache-c9');
    sim = await createSimulatedProvider({ name: 'a', apiKey: CANARY.compatible });
    // Slow enough that both workers' requests arrive while the first call is in flight.
    sim.setDefault(fault.slow(1_000, fault.ok({ content: 'one answer for all' })));
    const env = { SIM_URL: sim.baseURL, SIM_KEY: CANARY.compatible, REDIS_URL, PREFIX: prefix };
    const workers = await Promise.all([forkWorker(WORKER, env), forkWorker(WORKER, env)]);
    try {
      type Answer = { content?: string; id?: string; cached?: boolean; error?: string };
      const bursts = await Promise.all(
        workers.map((w) =>
          w.ask<{ answers: Answer[] }>({ type: 'burst', n: 250, prompt: 'cold start' }),
        ),
      );
      const answers = bursts.flatMap((b) => b.answers);
      expect(answers).toHaveLength(500);
      expect(answers.filter((a) => a.error)).toEqual([]);
      expect(new Set(answers.map((a) => a.content))).toEqual(new Set(['one answer for all']));
      expect(new Set(answers.map((a) => a.id)).size).toBe(1);
      expect(answers.filter((a) => !a.cached)).toHaveLength(1);
      expect(sim.chatCalls).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => killWorker(w.child)));
    }
  }, 60_000);
});
