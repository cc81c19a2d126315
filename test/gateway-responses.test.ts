import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

describe('POST /v1/responses, driven by the official openai SDK', () => {
  let fx: GatewayFixture;
  let sdk: OpenAI;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    sdk = new OpenAI({ baseURL: `${fx.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    for (const sim of fx.sims) sim.reset();
    fx.client.resetCircuitBreakers();
  });

  it('answers a plain string input with a completed Response the SDK reads (output_text, usage)', async () => {
    fx.sims[0]?.enqueue(
      fault.ok({ content: 'Hi there', usage: { promptTokens: 7, completionTokens: 3 } }),
    );
    const { data, response } = await sdk.responses
      .create({ model: 'default', input: 'Hello', instructions: 'Be brief' })
      .withResponse();
    expect(data.object).toBe('response');
    expect(data.id).toMatch(/^resp_/);
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('Hi there');
    expect(data.usage).toMatchObject({ input_tokens: 7, output_tokens: 3, total_tokens: 10 });
    expect(response.headers.get('x-flexiai-provider')).toBe('a');
    // instructions became a system message, input the user message.
    const sent = fx.sims[0]?.requests.at(-1)?.body as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'system', content: 'Be brief' },
      { role: 'user', content: 'Hello' },
    ]);
  });

  it('fails over to the next provider when the primary fails (one call each)', async () => {
    fx.sims[0]?.enqueue(fault.status(503));
    const { data, response } = await sdk.responses
      .create({ model: 'default', input: 'Hello' })
      .withResponse();
    expect(data.output_text).toBe('(b) You said: Hello');
    expect(response.headers.get('x-flexiai-attempt-path')).toBe('a:503,b:ok');
    expect(fx.sims[0]?.chatCalls).toBe(1);
    expect(fx.sims[1]?.chatCalls).toBe(1);
  });

  it('returns function calls as items and takes their outputs back in the next turn', async () => {
    fx.sims[0]?.enqueue(
      fault.ok({
        toolCalls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      }),
    );
    const first = await sdk.responses.create({
      model: 'default',
      input: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
    });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      call_id: 'call_1',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });

    fx.sims[0]?.enqueue(fault.ok({ content: 'Cold.' }));
    const second = await sdk.responses.create({
      model: 'default',
      input: [
        { role: 'user', content: 'Weather in Oslo?' },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'call_1', output: '-3C' },
      ],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe('Cold.');
    const sent = fx.sims[0]?.requests.at(-1)?.body as { messages: Record<string, unknown>[] };
    expect(sent.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '-3C' },
    ]);
  });

  it('passes text.format json_schema, max_output_tokens and reasoning.effort on', async () => {
    await sdk.responses.create({
      model: 'default',
      input: 'Give me JSON',
      max_output_tokens: 50,
      temperature: 0.2,
      reasoning: { effort: 'low' },
      text: {
        format: {
          type: 'json_schema',
          name: 'answer',
          schema: { type: 'object', properties: { a: { type: 'string' } } },
          strict: true,
        },
      },
    });
    const sent = fx.sims[0]?.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      max_tokens: 50,
      temperature: 0.2,
      reasoning_effort: 'low',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true },
      },
    });
  });

  it('streams the Responses event sequence, usage included, and the SDK reassembles it', async () => {
    fx.sims[0]?.enqueue(
      fault.ok({ content: 'Streaming answer', usage: { promptTokens: 4, completionTokens: 5 } }),
    );
    const stream = await sdk.responses.create({ model: 'default', input: 'Hi', stream: true });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    let last = -1;
    for await (const event of stream) {
      types.push(event.type);
      expect(event.sequence_number).toBe(last + 1);
      last = event.sequence_number;
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(text).toBe('Streaming answer');
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(completed?.status).toBe('completed');
    expect(completed?.output).toMatchObject([
      {
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Streaming answer' }],
      },
    ]);
    expect(completed?.usage).toMatchObject({ input_tokens: 4, output_tokens: 5 });
  });

  it('streams through the SDK helper (responses.stream) with function-call argument deltas', async () => {
    fx.sims[0]?.enqueue(
      fault.ok({
        toolCalls: [
          {
            id: 'call_9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
          },
        ],
      }),
    );
    const stream = sdk.responses.stream({ model: 'default', input: 'Rome?', tools: [weatherTool] });
    let args = '';
    stream.on('response.function_call_arguments.delta', (event) => {
      args += event.delta;
    });
    const final = await stream.finalResponse();
    expect(args).toBe('{"city":"Rome"}');
    expect(final.output[0]).toMatchObject({
      type: 'function_call',
      call_id: 'call_9',
      name: 'get_weather',
      arguments: '{"city":"Rome"}',
      status: 'completed',
    });
  });

  it('fails a stream over before output began, invisibly to the client', async () => {
    fx.sims[0]?.enqueue(fault.status(500));
    const stream = await sdk.responses.create({ model: 'default', input: 'Hi', stream: true });
    let text = '';
    for await (const event of stream)
      if (event.type === 'response.output_text.delta') text += event.delta;
    expect(text).toBe('(b) You said: Hi');
    expect(fx.sims[0]?.chatCalls).toBe(1);
    expect(fx.sims[1]?.chatCalls).toBe(1);
  });

  it('ends a stream cut after output began with error and response.failed, never response.completed', async () => {
    fx.sims[0]?.enqueue({
      kind: 'stream-cut',
      afterChunks: 2,
      reply: { content: 'This will be cut short', chunkChars: 3 },
    });
    const stream = await sdk.responses.create({ model: 'default', input: 'Hi', stream: true });
    const types: string[] = [];
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.failed') failed = event;
    }
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    expect(failed?.response.status).toBe('failed');
    expect(failed?.response.error?.message).toBeTruthy();
    // No failover after output began: the second provider was never called.
    expect(fx.sims[1]?.chatCalls).toBe(0);
  });

  it('refuses what needs server-side state with a 400 saying so, before any upstream call', async () => {
    for (const extra of [
      { previous_response_id: 'resp_123' },
      { background: true },
      { input: [{ type: 'item_reference' as const, id: 'msg_1' }] },
    ]) {
      const error = await sdk.responses
        .create({ model: 'default', input: 'Hi', ...extra })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toMatch(/stateless/);
    }
    expect(fx.sims[0]?.chatCalls).toBe(0);
  });

  it('refuses non-function tools and fields that are not Responses fields', async () => {
    const tool = await sdk.responses
      .create({ model: 'default', input: 'Hi', tools: [{ type: 'web_search' }] })
      .catch((e: unknown) => e);
    expect((tool as Error).message).toMatch(/function tools only/);
    const unknown = await fetch(`${fx.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', input: 'Hi', made_up_field: 1 }),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/made_up_field/);
    expect(fx.sims[0]?.chatCalls).toBe(0);
  });

  it('never shows a provider key echoed upstream: plain 502 body, or a failed stream', async () => {
    for (const sim of fx.sims)
      sim.setDefault(fault.status(500, { message: `echo ${CANARY.compatible}` }));
    const plain = await fetch(`${fx.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', input: 'Hi' }),
    });
    expect(plain.status).toBe(502);
    expectNoCanary(await plain.text(), 'responses error body');
    for (const sim of fx.sims) sim.reset();

    fx.sims[0]?.enqueue({
      kind: 'stream-error',
      afterChunks: 1,
      message: `upstream broke, key ${CANARY.compatible}`,
      reply: { content: 'partial answer here', chunkChars: 4 },
    });
    const streamed = await fetch(`${fx.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', input: 'Hi', stream: true }),
    });
    const text = await streamed.text();
    expect(text).toContain('event: response.failed');
    expect(text).not.toContain('response.completed');
    expectNoCanary(text, 'responses stream');
  });
});
