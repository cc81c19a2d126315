import { afterEach, expect, it } from 'vitest';
import { FlexiAI } from '../../src/client/flexiai.js';
import { MemoryBudgetStore } from '../../src/cost/budgets/budget-store.js';
import { SharedBudgetStore } from '../../src/cost/budgets/shared-budget-store.js';
import { silentLogger } from '../../src/internal/logger.js';
import { fault } from '../../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { describeRedis, REDIS_URL } from '../helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from '../helpers/redis-prefix.js';

describeRedis('the Redis ledger', () => {
  let sim: SimulatedProvider;
  const clients: FlexiAI[] = [];
  let prefix: string;
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  it('is shared: a report from one client counts the calls of every client, exactly', async () => {
    prefix = uniquePrefix('ledger');
    sim = await createSimulatedProvider({ name: 'a', apiKey: 'sim-key' });
    sim.setDefault(fault.ok({ usage: { promptTokens: 100, completionTokens: 7 } }));
    const config = {
      providers: [
        {
          name: 'a',
          type: 'openai-compatible' as const,
          baseURL: sim.baseURL,
          apiKey: 'sim-key',
          model: 'model-a',
        },
      ],
      pricing: { 'model-a': { input: 0.15, output: 0.6 } },
      sync: { backend: 'redis' as const, url: REDIS_URL, keyPrefix: prefix },
      ledger: { backend: 'redis' as const },
    };
    for (let i = 0; i < 2; i += 1)
      clients.push(await FlexiAI.create(config, { logger: silentLogger, env: false }));
    let exact = 0n;
    for (let i = 0; i < 20; i += 1) {
      const res = await clients[i % 2]!.chatCompletion(
        { messages: [{ role: 'user', content: 'hi' }] },
        { gatewayKeyId: i % 2 ? 'team-b' : 'team-a' },
      );
      exact += BigInt(Math.round((res.costUsd as number) * 1e12));
    }
    const report = await clients[0]!.getCostReport({ groupBy: ['key'] });
    await clients[1]!.getCostReport(); // the other client's pending entries are written too
    const again = await clients[0]!.getCostReport({ groupBy: ['key'] });
    expect(again.totals.requests).toBe(20);
    expect(again.totals.cost).toBe('0.000384'); // 20 x (100 x 0.15 + 7 x 0.6) micro-dollars
    expect(BigInt(Math.round(again.totals.costUsd * 1e12))).toBe(exact);
    expect(again.rows.map((r) => [r.group.key, r.requests])).toEqual(
      expect.arrayContaining([
        ['team-a', 10],
        ['team-b', 10],
      ]),
    );
    expect(report.totals.requests).toBeGreaterThanOrEqual(10);
  });
});

it('budgets while Redis is unreachable: enforced by the worker alone, the gap logged once, spend added when it is back', async () => {
  let down = true;
  const shared = new MemoryBudgetStore();
  const redis = {
    reserve: (key: string, limit: number, amount: number) =>
      down ? Promise.reject(new Error('connect ECONNREFUSED')) : shared.reserve(key, limit, amount),
    settle: (key: string, reserved: number, actual: number) =>
      down
        ? Promise.reject(new Error('connect ECONNREFUSED'))
        : shared.settle(key, reserved, actual),
    firstWarning: (key: string) => shared.firstWarning(key),
    read: (key: string) => shared.read(key),
    close: () => Promise.resolve(),
  };
  const log = captureLogger('info');
  const store = new SharedBudgetStore(redis, log.logger);
  const limit = 30;
  const results: boolean[] = [];
  for (let i = 0; i < 5; i += 1) {
    const r = await store.reserve('b:day', limit, 10, undefined);
    results.push(r.ok);
    if (r.ok) await store.settle('b:day', 10, 10, undefined, r.local);
  }
  expect(results).toEqual([true, true, true, false, false]); // the limit holds locally
  expect(
    log.lines().filter((l) => String(l['msg']).includes('enforced by this worker alone')),
  ).toHaveLength(1);
  down = false;
  const after = await store.reserve('b:day', 100, 10, undefined);
  expect(after.ok).toBe(true);
  expect((await shared.read('b:day')).spentNano).toBe(30); // the local spend reached the shared counter
  expect(log.text()).toContain('Redis is back');
});
