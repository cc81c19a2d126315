import { afterEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

/**
 * routes.<r>.failoverOn over real HTTP simulators: an OpenAI-wire provider with a small context
 * window refuses the prompt as too long; the route moves it to the larger-context provider, past
 * one whose window is no larger, and the refusing circuit is untouched. Without the trigger the
 * caller gets the refusal, as before.
 */
describe('opt-in failover triggers', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  const make = (failoverOn: ('context_length' | 'content_filter' | 'model_not_found')[]) =>
    createFleet(['openai', 'anthropic', 'gemini'], (c) => ({
      ...c,
      providers: c.providers.map((p, i) => ({
        ...p,
        contextWindow: [8_192, 8_192, 1_048_576][i] ?? 0,
      })),
      circuitBreaker: { failureThreshold: 1 },
      routes: { long: { providers: ['a', 'b', 'c'], failoverOn } },
    }));

  const tooLong = () =>
    fault.status(400, {
      message:
        "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens.",
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
    });

  it('a context-length refusal moves to a larger-context model, with no circuit cost', async () => {
    fleet = await make(['context_length']);
    fleet.sims[0]?.setDefault(tooLong());
    const events: string[] = [];
    fleet.ai.on('attempt', (e) =>
      events.push(`${e.provider}:${e.skipped ?? e.failureClass ?? e.outcome}`),
    );
    for (let i = 0; i < 3; i += 1) {
      const res = await fleet.ai.chatCompletion({ ...userMessage(), model: 'long' });
      expect(res.provider).toBe('c');
    }
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([3, 0, 3]);
    expect(events.slice(0, 3)).toEqual(['a:refusal', 'b:context_window', 'c:ok']);
    // failureThreshold 1: one counted failure would have opened it.
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('streams fail over on the trigger too', async () => {
    fleet = await make(['context_length']);
    fleet.sims[0]?.setDefault(tooLong());
    const stream = fleet.ai.chatCompletionStream({ ...userMessage(), model: 'long' });
    const response = await stream.finalResponse();
    expect(response.provider).toBe('c');
  });

  it('without the trigger the caller gets the refusal as today', async () => {
    fleet = await make([]);
    fleet.sims[0]?.setDefault(tooLong());
    await expect(
      fleet.ai.chatCompletion({ ...userMessage(), model: 'long' }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
      refusal: 'context_length',
      status: 400,
    });
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 0, 0]);
  });
});
