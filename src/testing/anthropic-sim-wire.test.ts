import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from './faults.js';
import { createSimulatedProvider, type SimulatedProvider } from './simulated-provider.js';

const KEY = 'sk-ant-api03.test-simulator-0123456789';
const params = {
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user' as const, content: 'ping' }],
};

/** The official @anthropic-ai/sdk must parse everything the simulated Anthropic wire sends. */
describe('simulated Anthropic wire, read by the official @anthropic-ai/sdk', () => {
  let sim: SimulatedProvider;
  let client: Anthropic;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: KEY, name: 'sim', wire: 'anthropic' });
    client = new Anthropic({ baseURL: sim.baseURL, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('parses a message, with the request id and usage', async () => {
    const response = await client.messages.create(params).withResponse();
    const message = response.data;
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.content).toEqual([{ type: 'text', text: '(sim) You said: ping' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(response.request_id).toMatch(/^req_sim_/);
    // The SDK (API version 2026-10-21) sends its key as a Bearer token; the wire takes both forms.
    expect(sim.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sim.requests[0]?.headers['anthropic-version']).toBeDefined();
    expect(sim.chatCalls).toBe(1);
  });

  it('also takes the key as x-api-key, the form FlexiAI sends with API version 2023-06-01', async () => {
    const legacy = new Anthropic({
      baseURL: sim.baseURL,
      apiKey: null,
      authToken: null,
      defaultHeaders: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
      maxRetries: 0,
    });
    const message = await legacy.messages.create(params);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(sim.requests[0]?.headers['x-api-key']).toBe(KEY);
    expect(sim.requests[0]?.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('parses tool_use blocks with their input object', async () => {
    sim.enqueue(
      fault.ok({
        toolCalls: [
          { id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        ],
      }),
    );
    const message = await client.messages.create({
      ...params,
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
    });
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('streams text and tool_use through the SDK stream helper (finalMessage)', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Hello world, streamed',
        toolCalls: [
          { id: 'toolu_9', type: 'function', function: { name: 'g', arguments: '{"q":"x"}' } },
          { id: 'toolu_10', type: 'function', function: { name: 'h', arguments: '{}' } },
        ],
        usage: { promptTokens: 12, completionTokens: 34 },
      }),
    );
    const stream = client.messages.stream(params);
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello world, streamed');
    expect(texts.length).toBeGreaterThan(1);
    expect(final.content).toEqual([
      { type: 'text', text: 'Hello world, streamed' },
      { type: 'tool_use', id: 'toolu_9', name: 'g', input: { q: 'x' } },
      { type: 'tool_use', id: 'toolu_10', name: 'h', input: {} },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 34 });
    expect(sim.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('sends thinking blocks with their signature, plain and streamed (thinking and signature deltas)', async () => {
    const reasoning = { text: 'Let me think about this.', signature: 'sig-abc' };
    sim.enqueue(fault.ok({ content: 'Answer', reasoning }));
    const message = await client.messages.create(params);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: reasoning.text, signature: 'sig-abc' },
      { type: 'text', text: 'Answer' },
    ]);
    sim.enqueue(fault.ok({ content: 'Answer', reasoning }));
    const stream = client.messages.stream(params);
    let thinking = '';
    stream.on('thinking', (delta) => {
      thinking += delta;
    });
    const final = await stream.finalMessage();
    expect(thinking).toBe(reasoning.text);
    expect(final.content[0]).toEqual({
      type: 'thinking',
      thinking: reasoning.text,
      signature: 'sig-abc',
    });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Answer' });
  });

  it('iterates raw stream events (message_start first, message_stop last, pings skipped)', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    expect(types).toContain('message_delta');
    expect(types).not.toContain('ping');
  });

  it('sends an in-stream error event the SDK raises as an APIError of that type', async () => {
    sim.enqueue(fault.streamError(1, 'Overloaded'));
    const error = await client.messages
      .stream(params)
      .finalMessage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect((error as Error).message).toContain('Overloaded');
  });

  it('sends errors the SDK maps to its own classes, 529 overloaded included', async () => {
    sim.enqueue(
      fault.status(429, { retryAfter: 3, headers: { 'request-id': 'req_429' } }),
      fault.status(500),
      fault.status(529, { message: 'Overloaded' }),
      fault.status(400, { message: 'max_tokens: field required' }),
      fault.status(404),
    );
    const e429 = await client.messages.create(params).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(Anthropic.RateLimitError);
    const rate = e429 as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rate.headers.get('retry-after')).toBe('3');
    expect(rate.requestID).toBe('req_429');
    expect(rate.type).toBe('rate_limit_error');

    const e500 = await client.messages.create(params).catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(Anthropic.InternalServerError);
    expect((e500 as InstanceType<typeof Anthropic.APIError>).type).toBe('api_error');

    const e529 = await client.messages.create(params).catch((e: unknown) => e);
    expect(e529).toBeInstanceOf(Anthropic.InternalServerError);
    expect(e529).toBeInstanceOf(Anthropic.OverloadedError);
    expect((e529 as InstanceType<typeof Anthropic.APIError>).type).toBe('overloaded_error');
    expect((e529 as Error).message).toContain('Overloaded');

    const e400 = await client.messages.create(params).catch((e: unknown) => e);
    expect(e400).toBeInstanceOf(Anthropic.BadRequestError);
    expect((e400 as Error).message).toContain('max_tokens: field required');

    await expect(client.messages.create(params)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('refuses a wrong key with an AuthenticationError and lists models', async () => {
    const wrong = new Anthropic({ baseURL: sim.baseURL, apiKey: 'sk-ant-wrong', maxRetries: 0 });
    const error = await wrong.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('authentication_error');
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['simulated-model']);
  });
});
