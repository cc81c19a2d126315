import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from './faults.js';
import { createSimulatedProvider, type SimulatedProvider } from './simulated-provider.js';

const KEY = 'sk-test-simulator-0123456789';

/** The official openai SDK must parse everything the simulated OpenAI wire sends. */
describe('simulated OpenAI wire, read by the official openai SDK', () => {
  let sim: SimulatedProvider;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: KEY, name: 'sim' });
    client = new OpenAI({ baseURL: sim.baseURL, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('parses a completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('(sim) You said: ping');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(sim.chatCalls).toBe(1);
  });

  it('reports reasoning tokens in the usage details', async () => {
    sim.enqueue(fault.ok({ content: 'ok', reasoning: { text: '', tokens: 21 } }));
    const completion = await client.chat.completions.create({
      model: 'o4-mini',
      messages: [{ role: 'user', content: 'think' }],
      reasoning_effort: 'low',
    });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(21);
  });

  it('parses tool calls', async () => {
    sim.enqueue(
      fault.ok({
        toolCalls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        ],
      }),
    );
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'call f' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'f', arguments: '{"a":1}' });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams through the SDK stream helper, usage and tool calls included', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Hello world',
        toolCalls: [
          { id: 'call_9', type: 'function', function: { name: 'g', arguments: '{"q":"x"}' } },
        ],
      }),
    );
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Hello world');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      id: 'call_9',
      function: { name: 'g', arguments: '{"q":"x"}' },
    });
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('sends errors the SDK maps to its own error classes', async () => {
    sim.enqueue(
      fault.status(429, { retryAfter: 3 }),
      fault.status(500),
      fault.status(400, { message: 'bad' }),
    );
    const e429 = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(OpenAI.RateLimitError);
    expect((e429 as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe(
      '3',
    );
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const e400 = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(OpenAI.BadRequestError);
    expect((e400 as Error).message).toContain('bad');
  });

  it('refuses a wrong key with 401 and lists models', async () => {
    const wrong = new OpenAI({ baseURL: sim.baseURL, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const models = await client.models.list();
    expect(models.data.length).toBe(1);
  });
});
