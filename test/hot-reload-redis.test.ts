import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import type { FlexiAI } from '../src/client/flexiai.js';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { ask, syncWorker } from './helpers/sync-worker.js';

describeRedis('hot reload with Redis-shared circuit state', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let prefix: string;
  let workers: FlexiAI[] = [];
  const worker = async (id: string) => {
    const ai = await syncWorker([a, b], { prefix, workerId: id });
    workers.push(ai);
    return ai;
  };
  const stateOf = (ai: FlexiAI, name: string) =>
    ai.getProviderStatus().find((s) => s.name === name)?.state;

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
  });
  beforeEach(() => {
    prefix = uniquePrefix('reload');
    a.reset();
    b.reset();
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
    await deleteKeys(REDIS_URL, prefix);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('a replaced breaker keeps receiving shared state; a removed provider is no longer tracked', async () => {
    const w1 = await worker('w1');
    const w2 = await worker('w2');
    const [pa, pb] = w1.config.providers;
    // New breaker settings for a: w1 swaps in a new breaker, which the sync must track instead.
    await w1.updateConfig({
      ...w1.config,
      providers: [{ ...pa!, circuitBreaker: { halfOpenMaxCalls: 2 } }, pb!],
    });

    a.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) await ask(w2).catch(() => undefined);
    expect(stateOf(w2, 'a')).toBe('open');
    await vi.waitFor(() => expect(stateOf(w1, 'a')).toBe('open'), { timeout: 10_000 });

    // b removed from w1: w2's news about b is now about a provider w1 does not know.
    await w1.updateConfig({ ...w1.config, providers: [w1.config.providers[0]!] });
    const ignoredBefore = w1.getSyncStatus().counters?.ignored.unknown_provider ?? 0;
    b.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) {
      await w2
        .chatCompletion({ model: 'b', messages: [{ role: 'user', content: 'x' }] })
        .catch(() => undefined);
    }
    expect(stateOf(w2, 'b')).toBe('open');
    await vi.waitFor(
      () =>
        expect(w1.getSyncStatus().counters?.ignored.unknown_provider ?? 0).toBeGreaterThan(
          ignoredBefore,
        ),
      { timeout: 10_000 },
    );
    expect(w1.getProviderStatus().map((p) => p.name)).toEqual(['a']);
    expect(w1.getSyncStatus().health).toBe('connected');
  });
});
