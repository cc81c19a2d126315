import { afterEach, describe, expect, it } from 'vitest';
import { budgetPeriod, periodTtlMs } from '../../src/cost/budgets/budget-period.js';
import { MemoryBudgetStore } from '../../src/cost/budgets/budget-store.js';
import { SharedBudgetStore } from '../../src/cost/budgets/shared-budget-store.js';
import { BudgetExceededError } from '../../src/errors/budget-exceeded-error.js';
import { fault } from '../../src/testing/faults.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { createFleet, userMessage, type Fleet } from '../helpers/sim-fleet.js';

// $0.001 per output token, prompts free: an answer of 10 tokens costs exactly $0.01.
const PRICING = { 'model-a': { input: 0, output: 1000 }, 'model-b': { input: 0, output: 1000 } };
const TEN_TOKENS = fault.ok({ usage: { promptTokens: 5, completionTokens: 10 } });

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (BudgetExceededError.isInstance(error) ? error : Promise.reject(error)),
  );

describe('budgets: edges a user relies on', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('a day budget used up at 23:59:59 UTC admits again at midnight (fake clock), and the refusal says when', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 23, 59, 59));
    fleet = await createFleet(
      ['openai'],
      (c) => ({
        ...c,
        pricing: PRICING,
        budgets: [{ name: 'daily', limitUsd: 0.01, period: 'day' }],
      }),
      { clock },
    );
    fleet.sims[0]?.setDefault(TEN_TOKENS);
    await fleet.ai.chatCompletion(userMessage());
    const refused = await refusal(fleet.ai.chatCompletion(userMessage()));
    expect(refused).toMatchObject({
      budget: 'daily',
      spentUsd: 0.01,
      resetAt: Date.UTC(2026, 11, 2),
    });
    expect(fleet.sims[0]?.chatCalls).toBe(1);
    clock.advance(1_000);
    await expect(fleet.ai.chatCompletion(userMessage())).resolves.toMatchObject({ costUsd: 0.01 });
    expect(fleet.sims[0]?.chatCalls).toBe(2);
    // The new day is used up in turn; a total budget never resets.
    expect(await refusal(fleet.ai.chatCompletion(userMessage()))).toMatchObject({
      resetAt: Date.UTC(2026, 11, 3),
    });
  });

  it('a per-key budget limits only its key; other keys and keyless requests are not counted', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      server: {
        apiKeys: [
          { name: 'team-a', key: 'fk-team-a.0123456789' },
          { name: 'team-b', key: 'fk-team-b.0123456789' },
        ],
      },
      budgets: [{ name: 'team-a', limitUsd: 0.01, period: 'total', scope: { key: 'team-a' } }],
    }));
    fleet.sims[0]?.setDefault(TEN_TOKENS);
    await fleet.ai.chatCompletion(userMessage(), { gatewayKeyId: 'team-a' });
    expect(
      await refusal(fleet.ai.chatCompletion(userMessage(), { gatewayKeyId: 'team-a' })),
    ).toMatchObject({
      budget: 'team-a',
      resetAt: undefined,
    });
    await fleet.ai.chatCompletion(userMessage(), { gatewayKeyId: 'team-b' });
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.sims[0]?.chatCalls).toBe(3);
  });

  it('when one budget refuses, what the others held for that request is given back', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      server: { apiKeys: [{ name: 'a', key: 'fk-a.0123456789abcdef' }] },
      budgets: [
        { name: 'wide', limitUsd: 0.015, period: 'total' },
        { name: 'key-a', limitUsd: 0.000001, scope: { key: 'a' } },
      ],
    }));
    fleet.sims[0]?.setDefault(TEN_TOKENS);
    // maxTokens 10 holds $0.01 of 'wide'; 'key-a' refuses; the $0.01 must not stay held.
    expect(
      await refusal(
        fleet.ai.chatCompletion({ ...userMessage(), maxTokens: 10 }, { gatewayKeyId: 'a' }),
      ),
    ).toMatchObject({ budget: 'key-a' });
    await expect(
      fleet.ai.chatCompletion({ ...userMessage(), maxTokens: 10 }),
    ).resolves.toMatchObject({
      costUsd: 0.01,
    });
    expect(fleet.sims[0]?.chatCalls).toBe(1);
  });

  it('an answer served from the cache costs the budget nothing', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      cache: { backend: 'memory' },
      budgets: [{ name: 'all', limitUsd: 0.02 }],
    }));
    fleet.sims[0]?.setDefault(TEN_TOKENS);
    await fleet.ai.chatCompletion(userMessage('same'));
    const cached = await fleet.ai.chatCompletion(userMessage('same'));
    expect(cached).toMatchObject({ cached: true, costUsd: 0 });
    // $0.01 spent of $0.02: one more paid answer fits, then the budget is used up.
    await expect(fleet.ai.chatCompletion(userMessage('other'))).resolves.toMatchObject({
      costUsd: 0.01,
    });
    expect(await refusal(fleet.ai.chatCompletion(userMessage('third')))).toMatchObject({
      spentUsd: 0.02,
    });
    expect(fleet.sims[0]?.chatCalls).toBe(2);
  });
});

describe('budget counters', () => {
  it('a hold that fits exactly is admitted; one nano-dollar more is refused; at the limit nothing is', async () => {
    const store = new MemoryBudgetStore();
    expect(await store.reserve('k', 100, 60)).toMatchObject({ ok: true, reservedNano: 60 });
    expect(await store.reserve('k', 100, 41)).toMatchObject({ ok: false, reservedNano: 60 });
    expect(await store.reserve('k', 100, 40)).toMatchObject({ ok: true, reservedNano: 100 });
    expect(await store.settle('k', 100, 100)).toBe(100);
    expect(await store.reserve('k', 100, 0)).toMatchObject({ ok: false, spentNano: 100 });
    expect(await store.read('k')).toEqual({ spentNano: 100, reservedNano: 0 });
    expect(await store.read('unknown')).toEqual({ spentNano: 0, reservedNano: 0 });
    expect(await store.firstWarning('k')).toBe(true);
    expect(await store.firstWarning('k')).toBe(false);
  });

  it('periods end at UTC midnight, the first of the next month (across a year), or never', () => {
    const now = Date.UTC(2026, 11, 31, 23, 30);
    expect(budgetPeriod('day', now)).toEqual({ id: '2026-12-31', resetAt: Date.UTC(2027, 0, 1) });
    expect(budgetPeriod('month', now)).toEqual({ id: '2026-12', resetAt: Date.UTC(2027, 0, 1) });
    expect(budgetPeriod('total', now)).toEqual({ id: 'total', resetAt: undefined });
    // Counters are kept a day past the period's end.
    expect(periodTtlMs(budgetPeriod('day', now), now)).toBe(30 * 60_000 + 86_400_000);
    expect(periodTtlMs(budgetPeriod('total', now), now)).toBeUndefined();
  });
});

/** A Redis cost store that fails while `down` is set, and records what reached it. */
function flakyRedis() {
  const spent = new Map<string, number>();
  const calls: string[] = [];
  const redis = {
    down: false,
    check(op: string) {
      calls.push(op);
      if (redis.down) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    },
    reserve(key: string, limit: number, amount: number) {
      redis.check('reserve');
      const s = spent.get(key) ?? 0;
      return Promise.resolve({ ok: s + amount <= limit, spentNano: s, reservedNano: 0 });
    },
    settle(key: string, _reserved: number, actual: number) {
      redis.check('settle');
      spent.set(key, (spent.get(key) ?? 0) + actual);
      return Promise.resolve(spent.get(key) ?? 0);
    },
    firstWarning() {
      redis.check('firstWarning');
      return Promise.resolve(true);
    },
    read(key: string) {
      redis.check('read');
      return Promise.resolve({ spentNano: spent.get(key) ?? 0, reservedNano: 0 });
    },
    close: () => Promise.resolve(),
  };
  return { redis, spent, calls };
}

describe('shared budget counters while Redis fails (as documented in docs/cost.md)', () => {
  it('the worker enforces the budget alone from the last spend it saw, logs the gap once, and adds its spend when Redis is back', async () => {
    const { redis, spent } = flakyRedis();
    const log = captureLogger('info');
    const store = new SharedBudgetStore(redis, log.logger);
    expect(await store.reserve('b', 100, 30, undefined)).toMatchObject({ ok: true });
    expect(await store.settle('b', 30, 30, undefined)).toBe(30);

    redis.down = true;
    // Local decisions start from the 30 already spent: 60 more fit, 80 do not.
    expect(await store.reserve('b', 100, 80, undefined)).toMatchObject({ ok: false, local: true });
    const local = await store.reserve('b', 100, 60, undefined);
    expect(local).toMatchObject({ ok: true, local: true, spentNano: 30 });
    expect(await store.settle('b', 60, 50, undefined, true)).toBe(80);
    // Fallbacks for warnings and status.
    expect(await store.firstWarning('b', undefined)).toBe(true);
    expect(await store.firstWarning('b', undefined)).toBe(false);
    expect(await store.read('b')).toEqual({ spentNano: 80, reservedNano: 0 });
    const errors = log.lines().filter((l) => String(l['msg']).includes('Redis unreachable'));
    expect(errors).toHaveLength(1);
    expect(spent.get('b')).toBe(30);

    redis.down = false;
    expect(await store.reserve('b', 100, 10, undefined)).toMatchObject({ ok: true, spentNano: 80 });
    expect(spent.get('b')).toBe(80);
    const msgs = log.lines().map((l) => String(l['msg']));
    expect(msgs.some((m) => m.includes('added to the shared counter'))).toBe(true);
    expect(msgs.filter((m) => m.includes('Redis is back'))).toHaveLength(1);
    expect(store.kind).toBe('redis');
  });

  it('a settle that fails is counted locally and sent later: no spend is lost', async () => {
    const { redis, spent } = flakyRedis();
    const store = new SharedBudgetStore(redis, captureLogger('error').logger);
    await store.reserve('s', 1_000, 100, undefined);
    redis.down = true;
    expect(await store.settle('s', 100, 70, undefined)).toBe(70);
    redis.down = false;
    await store.reserve('s', 1_000, 0, undefined);
    expect(spent.get('s')).toBe(70);
  });
});
