import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BudgetEvent } from '../../src/client/event-types.js';
import { BudgetExceededError } from '../../src/errors/budget-exceeded-error.js';
import { fault } from '../../src/testing/faults.js';
import { CANARY } from '../helpers/canary.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { startGatewayFixture, type GatewayFixture } from '../helpers/gateway-fixture.js';
import { createFleet, userMessage, type Fleet } from '../helpers/sim-fleet.js';

// $0.001 per output token, prompts free: each answer of 10 tokens costs exactly $0.01.
const PRICING = { 'model-a': { input: 0, output: 1000 }, 'model-b': { input: 0, output: 1000 } };
const TEN_TOKENS = { usage: { promptTokens: 5, completionTokens: 10 } };

describe('budgets (in memory)', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('refuses before any upstream call once the limit is reached; warns once at warnAt', async () => {
    const log = captureLogger('warn');
    fleet = await createFleet(
      ['openai'],
      (c) => ({
        ...c,
        pricing: PRICING,
        budgets: [{ name: 'all', limitUsd: 0.05, period: 'day', warnAt: 0.8 }],
      }),
      { logger: log.logger },
    );
    const events: BudgetEvent[] = [];
    fleet.ai.on('budget', (e) => events.push(e));
    for (let i = 0; i < 8; i += 1) fleet.sims[0]?.enqueue(fault.ok(TEN_TOKENS));
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      try {
        const res = await fleet.ai.chatCompletion(userMessage());
        outcomes.push(`ok ${res.costUsd}`);
      } catch (error) {
        outcomes.push(BudgetExceededError.isInstance(error) ? 'refused' : String(error));
      }
    }
    expect(outcomes).toEqual([
      'ok 0.01',
      'ok 0.01',
      'ok 0.01',
      'ok 0.01',
      'ok 0.01',
      'refused',
      'refused',
    ]);
    expect(fleet.sims[0]?.chatCalls).toBe(5); // refused requests reached no upstream
    await vi.waitFor(() => expect(events.filter((e) => e.kind === 'warning')).toHaveLength(1), {
      timeout: 30_000, // generous: vi.waitFor's default is 1 s
    });
    expect(events.find((e) => e.kind === 'warning')).toMatchObject({
      budget: 'all',
      limitUsd: 0.05,
      spentUsd: 0.04,
    });
    expect(events.filter((e) => e.kind === 'exceeded')).toHaveLength(2);
    expect(
      log.lines().filter((l) => String(l['msg']).includes('budget "all" has used')),
    ).toHaveLength(1);
  });

  it('the refusal names the budget and when it resets (UTC midnight for a day budget)', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      budgets: [{ name: 'tiny', limitUsd: 0.01, period: 'day' }],
    }));
    fleet.sims[0]?.enqueue(fault.ok(TEN_TOKENS));
    await fleet.ai.chatCompletion(userMessage());
    const error = await fleet.ai.chatCompletion(userMessage()).catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    const refusal = error as BudgetExceededError;
    expect(refusal).toMatchObject({
      code: 'budget_exceeded',
      budget: 'tiny',
      limitUsd: 0.01,
      spentUsd: 0.01,
    });
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(refusal.resetAt).toBe(midnight.getTime());
    expect(refusal.message).toContain(`it resets at ${midnight.toISOString()}`);
  });

  it('a request whose maxTokens could pass the limit is refused up front (its hold does not fit)', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      budgets: [{ name: 'b', limitUsd: 0.05, period: 'total' }],
    }));
    const error = await fleet.ai
      .chatCompletion({ ...userMessage(), maxTokens: 100 })
      .catch((e: unknown) => e);
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect((error as BudgetExceededError).resetAt).toBeUndefined();
    expect(fleet.sims[0]?.chatCalls).toBe(0);
    fleet.sims[0]?.enqueue(fault.ok(TEN_TOKENS));
    await expect(
      fleet.ai.chatCompletion({ ...userMessage(), maxTokens: 10 }),
    ).resolves.toMatchObject({ costUsd: 0.01 });
  });

  it('route and provider budgets count only their own spend', async () => {
    fleet = await createFleet(['openai', 'anthropic'], (c) => ({
      ...c,
      pricing: PRICING,
      routes: { cheap: ['b'] },
      budgets: [
        { name: 'cheap-route', limitUsd: 0.01, scope: { route: 'cheap' } },
        { name: 'provider-a', limitUsd: 0.02, scope: { provider: 'a' } },
      ],
    }));
    for (let i = 0; i < 5; i += 1) fleet.sims.forEach((s) => s.enqueue(fault.ok(TEN_TOKENS)));
    await fleet.ai.chatCompletion({ ...userMessage(), model: 'cheap' });
    await expect(
      fleet.ai.chatCompletion({ ...userMessage(), model: 'cheap' }),
    ).rejects.toMatchObject({ budget: 'cheap-route' });
    await fleet.ai.chatCompletion({ ...userMessage(), model: 'a' });
    await fleet.ai.chatCompletion({ ...userMessage(), model: 'a' });
    await expect(fleet.ai.chatCompletion({ ...userMessage(), model: 'a' })).rejects.toMatchObject({
      budget: 'provider-a',
    });
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([2, 1]);
  });

  it('streams are refused before any upstream call too (at the first read)', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: PRICING,
      budgets: [{ name: 'b', limitUsd: 0.01 }],
    }));
    fleet.sims[0]?.enqueue(fault.ok({ ...TEN_TOKENS, content: 'streamed' }));
    const first = fleet.ai.chatCompletionStream(userMessage());
    for await (const _chunk of first) {
      // reading
    }
    expect((await first.finalResponse()).costUsd).toBe(0.01);
    const second = fleet.ai.chatCompletionStream(userMessage());
    await expect(second.finalResponse()).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect(fleet.sims[0]?.chatCalls).toBe(1);
  });
});

describe('budgets and cost through the gateway', () => {
  let fx: GatewayFixture;
  afterEach(() => fx.close());

  const post = (body: unknown, key: string = CANARY.gateway) =>
    fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const OTHER_KEY = 'fk-gw-other.key-0123456789';

  it('x-flexiai-cost on answers; 429 budget_exceeded for a named key that used its budget, no upstream call', async () => {
    fx = await startGatewayFixture((c) => ({
      ...c,
      pricing: PRICING,
      server: { port: 0, apiKeys: [{ name: 'team-a', key: CANARY.gateway }, OTHER_KEY] },
      budgets: [{ name: 'team-a-daily', limitUsd: 0.01, period: 'day', scope: { key: 'team-a' } }],
    }));
    for (let i = 0; i < 3; i += 1) fx.sims[0]?.enqueue(fault.ok(TEN_TOKENS));
    const body = { messages: [{ role: 'user', content: 'hi' }] };
    const ok = await post(body);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-flexiai-cost')).toBe('0.01');
    const refused = await post(body);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('x-flexiai-budget')).toBe('team-a-daily');
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(refused.headers.get('x-flexiai-budget-reset')).toBe(midnight.toISOString());
    const error = ((await refused.json()) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      type: 'budget_exceeded',
      param: 'team-a-daily',
    });
    expect(String(error['message'])).toContain('team-a-daily');
    expect(fx.sims[0]?.chatCalls).toBe(1);
    // Another key has no budget: still served.
    expect((await post(body, OTHER_KEY)).status).toBe(200);
    expect(fx.sims[0]?.chatCalls).toBe(2);
    const report = await fx.client.getCostReport({ groupBy: ['key'] });
    expect(report.rows.map((r) => r.group.key).sort()).toEqual([
      expect.stringMatching(/^key-[0-9a-f]{12}$/),
      'team-a',
    ]);
    expect(JSON.stringify(report)).not.toContain(OTHER_KEY);
    expect(fx.log.text()).not.toContain(CANARY.gateway);
  });

  it('a stream carries its cost in the final usage chunk (and an SSE comment)', async () => {
    fx = await startGatewayFixture((c) => ({ ...c, pricing: PRICING }));
    fx.sims[0]?.enqueue(fault.ok({ ...TEN_TOKENS, content: 'streamed answer' }));
    const res = await post({
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await res.text();
    const events = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)) as Record<string, unknown>);
    const usage = events.at(-1)?.['usage'] as Record<string, unknown>;
    expect(usage).toMatchObject({ completion_tokens: 10, cost: 0.01 });
    expect(text).toContain(': x-flexiai-cost: 0.01\n\n');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});
