import { afterEach, describe, expect, it } from 'vitest';
import { fault } from '../../src/testing/faults.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { createFleet, userMessage, type Fleet } from '../helpers/sim-fleet.js';

/**
 * Each price component, on each provider type, through the real adapters and wires: the cost is
 * the provider's own arithmetic on its own usage fields (cached and reasoning tokens included).
 */
describe('cost of a response: every price component on every provider type', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('OpenAI: fresh input, cached input and output (reasoning tokens are output)', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 2, output: 8, cachedInput: 0.5 } },
    }));
    fleet.sims[0]?.enqueue(
      fault.ok({
        usage: { promptTokens: 1000, completionTokens: 500 },
        wireExtras: { cachedTokens: 400, reasoningTokens: 200 },
      }),
    );
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.usage).toMatchObject({
      promptTokens: 1000,
      cachedPromptTokens: 400,
      reasoningTokens: 200,
    });
    // 600 fresh x $2 + 400 cached x $0.50 + 500 output x $8, per 1M tokens = 5,400 micro-dollars.
    expect(res.costUsd).toBe(0.0054);
    expect(res.attempts[0]?.costUsd).toBe(0.0054);
  });

  it('OpenAI-compatible: reasoning priced apart when the model prices it apart', async () => {
    fleet = await createFleet(['openai-compatible'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 1, output: 4, reasoning: 10 } },
    }));
    fleet.sims[0]?.enqueue(
      fault.ok({
        usage: { promptTokens: 100, completionTokens: 300 },
        wireExtras: { reasoningTokens: 200 },
      }),
    );
    const res = await fleet.ai.chatCompletion(userMessage());
    // 100 x $1 + 100 answer x $4 + 200 reasoning x $10 = 2,500 micro-dollars.
    expect(res.costUsd).toBe(0.0025);
  });

  it('Anthropic: input, cache reads, cache writes and output, each at its own price', async () => {
    fleet = await createFleet(['anthropic'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
    }));
    fleet.sims[0]?.enqueue(
      fault.ok({
        usage: { promptTokens: 1000, completionTokens: 100 },
        wireExtras: { cacheReadTokens: 300, cacheWriteTokens: 200 },
      }),
    );
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.usage).toMatchObject({
      promptTokens: 1000,
      cachedPromptTokens: 300,
      cacheWriteTokens: 200,
    });
    // 500 x $3 + 300 x $0.30 + 200 x $3.75 + 100 x $15 = 3,840 micro-dollars.
    expect(res.costUsd).toBe(0.00384);
  });

  for (const type of ['gemini', 'vertexai'] as const) {
    it(`${type}: cached content and thoughts (thoughts are output)`, async () => {
      fleet = await createFleet([type], (c) => ({
        ...c,
        pricing: { 'model-a': { input: 1.25, output: 10, cachedInput: 0.125 } },
      }));
      fleet.sims[0]?.enqueue(
        fault.ok({
          usage: { promptTokens: 1000, completionTokens: 100 },
          wireExtras: { cachedContentTokenCount: 600, thoughtsTokenCount: 50 },
        }),
      );
      const res = await fleet.ai.chatCompletion(userMessage());
      expect(res.usage).toMatchObject({
        promptTokens: 1000,
        completionTokens: 150,
        cachedPromptTokens: 600,
        reasoningTokens: 50,
      });
      // 400 x $1.25 + 600 x $0.125 + 150 x $10 = 2,075 micro-dollars.
      expect(res.costUsd).toBe(0.002075);
    });
  }

  it('a prompt over the long-context threshold prices every token at the long-context rates', async () => {
    fleet = await createFleet(['gemini'], (c) => ({
      ...c,
      pricing: {
        'model-a': {
          input: 1.25,
          output: 10,
          longContext: { thresholdTokens: 200_000, input: 2.5, output: 15 },
        },
      },
    }));
    fleet.sims[0]?.enqueue(fault.ok({ usage: { promptTokens: 200_000, completionTokens: 1000 } }));
    fleet.sims[0]?.enqueue(fault.ok({ usage: { promptTokens: 200_001, completionTokens: 1000 } }));
    expect((await fleet.ai.chatCompletion(userMessage())).costUsd).toBe(0.26); // 0.25 + 0.01
    expect((await fleet.ai.chatCompletion(userMessage())).costUsd).toBe(0.5150025); // 0.5000025 + 0.015
  });

  it('a model with no known price: costUsd undefined and one warning, never a made-up number', async () => {
    const log = captureLogger('warn');
    fleet = await createFleet(['openai'], (c) => c, { logger: log.logger });
    const first = await fleet.ai.chatCompletion(userMessage());
    const second = await fleet.ai.chatCompletion(userMessage());
    expect(first.costUsd).toBeUndefined();
    expect(second.costUsd).toBeUndefined();
    expect('costUsd' in first).toBe(false);
    const warnings = log.lines().filter((l) => String(l['msg']).includes('no known price'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ model: 'model-a', provider: 'a' });
  });

  it('cached tokens on a model without a cachedInput price: unknown, not priced at another rate', async () => {
    const log = captureLogger('warn');
    fleet = await createFleet(
      ['openai'],
      (c) => ({ ...c, pricing: { 'model-a': { input: 2, output: 8 } } }),
      { logger: log.logger },
    );
    fleet.sims[0]?.enqueue(
      fault.ok({
        usage: { promptTokens: 1000, completionTokens: 10 },
        wireExtras: { cachedTokens: 500 },
      }),
    );
    fleet.sims[0]?.enqueue(fault.ok({ usage: { promptTokens: 1000, completionTokens: 10 } }));
    expect((await fleet.ai.chatCompletion(userMessage())).costUsd).toBeUndefined();
    expect((await fleet.ai.chatCompletion(userMessage())).costUsd).toBe(0.00208);
    expect(log.text()).toContain('has no \\"cachedInput\\" price');
  });

  it('the shipped catalog prices a catalog model, dated ids included', async () => {
    fleet = await createFleet(['anthropic'], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, model: 'claude-haiku-4-5-20251001' })),
    }));
    fleet.sims[0]?.enqueue(
      fault.ok({ usage: { promptTokens: 1_000_000, completionTokens: 1_000_000 } }),
    );
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.costUsd).toBe(6); // $1 input + $5 output per 1M
  });
});
