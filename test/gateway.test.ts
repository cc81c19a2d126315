import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

const user = (content = 'Hello') => [{ role: 'user' as const, content }];

describe('gateway, driven by the official openai SDK', () => {
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

  it('serves a chat completion with the OpenAI shape and FlexiAI headers', async () => {
    const { data, response } = await sdk.chat.completions
      .create({ model: 'default', messages: user('ping') })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: '(a) You said: ping',
    });
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-flexiai-provider')).toBe('a');
    expect(response.headers.get('x-flexiai-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('fails over behind the scenes and says so in the headers', async () => {
    fx.sims[0]?.enqueue(fault.status(503));
    const { data, response } = await sdk.chat.completions
      .create({ messages: user(), model: 'default' })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('(b) You said: Hello');
    expect(response.headers.get('x-flexiai-provider')).toBe('b');
    expect(response.headers.get('x-flexiai-attempts')).toBe('2');
    expect(response.headers.get('x-flexiai-attempt-path')).toBe('a:503,b:ok');
  });

  it('streams through the SDK stream helper, usage included', async () => {
    fx.sims[0]?.enqueue(
      fault.ok({
        content: 'Streaming through the gateway',
        usage: { promptTokens: 4, completionTokens: 5 },
      }),
    );
    const stream = sdk.chat.completions.stream({
      model: 'default',
      messages: user(),
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Streaming through the gateway');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
  });

  it('passes tool calls both ways, plain and streamed', async () => {
    const toolCalls = [
      {
        id: 'call_1',
        type: 'function' as const,
        function: { name: 'weather', arguments: '{"city":"Oslo"}' },
      },
    ];
    const tools = [
      { type: 'function' as const, function: { name: 'weather', parameters: { type: 'object' } } },
    ];
    fx.sims[0]?.enqueue(
      fault.ok({ toolCalls }),
      fault.ok({ toolCalls }),
      fault.ok({ content: 'It is cold.' }),
    );
    const plain = await sdk.chat.completions.create({
      model: 'default',
      messages: user('weather?'),
      tools,
    });
    expect(plain.choices[0]?.message.tool_calls).toEqual(toolCalls);
    expect(plain.choices[0]?.finish_reason).toBe('tool_calls');
    const streamed = await sdk.chat.completions
      .stream({ model: 'default', messages: user('weather?'), tools })
      .finalChatCompletion();
    expect(streamed.choices[0]?.message.tool_calls?.[0]).toMatchObject(toolCalls[0] as object);
    const answer = await sdk.chat.completions.create({
      model: 'default',
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: toolCalls },
        { role: 'tool', tool_call_id: 'call_1', content: '-5C' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('It is cold.');
    expect(fx.sims[0]?.requests.at(-1)?.body).toMatchObject({
      messages: [
        { role: 'user' },
        { role: 'assistant', tool_calls: [{ id: 'call_1' }] },
        { role: 'tool', tool_call_id: 'call_1', content: '-5C' },
      ],
    });
  });

  it('maps errors to OpenAI statuses the SDK understands', async () => {
    const notFound = await sdk.chat.completions
      .create({ model: 'gpt-9', messages: user() })
      .catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    const bad = await sdk.chat.completions
      .create({ model: 'default', messages: user(), temperature: 'hot' as unknown as number })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    fx.sims[0]?.enqueue(fault.status(422, { message: 'context too long' }));
    const upstream = await sdk.chat.completions
      .create({ model: 'default', messages: user() })
      .catch((e: unknown) => e);
    expect(upstream).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(fx.sims[1]?.chatCalls).toBe(0);
  });

  it('U19 over HTTP: every provider down gives 502 listing each outcome, no keys', async () => {
    for (const sim of fx.sims)
      sim.setDefault(fault.status(500, { message: `echo ${CANARY.compatible}` }));
    const error = (await sdk.chat.completions
      .create({ model: 'default', messages: user() })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(error.message).toContain('All providers failed');
    expect(error.message).toContain('a (model-a): HTTP 500');
    expect(error.message).toContain('b (model-b): HTTP 500');
    expectNoCanary(JSON.stringify(error.error), 'gateway error body');
  });

  it('every provider rate-limited gives 429 with Retry-After', async () => {
    for (const sim of fx.sims) sim.enqueue(fault.rateLimited(30));
    const error = (await sdk.chat.completions
      .create({ model: 'default', messages: user() })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(29);
  });

  it('a stream that breaks after output began ends with an error event, never [DONE]', async () => {
    fx.sims[0]?.enqueue({
      kind: 'stream-cut',
      afterChunks: 3,
      reply: { content: 'one two three four five six seven' },
    });
    const res = await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', stream: true, messages: user() }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"type":"stream_interrupted"');
    expect(text).not.toContain('[DONE]');
    expect(fx.sims[1]?.chatCalls).toBe(0);
  });

  it('a stream no provider could start is an HTTP error, not a 200', async () => {
    for (const sim of fx.sims) sim.setDefault(fault.status(503));
    const res = await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'default', stream: true, messages: user() }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'all_providers_failed',
    );
  });

  it('a client that disconnects aborts its upstream request', async () => {
    // 20 s of output: without the abort the upstream connection would outlive the wait below.
    fx.sims[0]?.enqueue(fault.ok({ content: 'x'.repeat(2_000), chunkChars: 1, chunkDelayMs: 10 }));
    // node:http, whose destroy() closes the socket at once (an aborted fetch may keep it for seconds).
    const url = new URL(`${fx.url}/v1/chat/completions`);
    await new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${CANARY.gateway}`,
            'content-type': 'application/json',
          },
        },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        if (!req.destroyed) reject(error);
      });
      req.end(JSON.stringify({ model: 'default', stream: true, messages: user() }));
    });
    await vi.waitFor(() => expect(fx.sims[0]?.openConnections).toBe(0), {
      timeout: 10_000,
      interval: 20,
    });
    expect(fx.client.getProviderStatus()[0]?.failures).toBe(0);
  });

  it('lists models and reports health', async () => {
    const models = await sdk.models.list();
    expect(models.data.map((m) => m.id)).toEqual(
      expect.arrayContaining(['default', 'a', 'b', 'model-a', 'model-b']),
    );
    // The detailed /health names providers and models: it needs the gateway key.
    expect((await fetch(`${fx.url}/health`)).status).toBe(401);
    const health = await fetch(`${fx.url}/health`, {
      headers: { authorization: `Bearer ${CANARY.gateway}` },
    });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      providers: [
        { name: 'a', state: 'closed' },
        { name: 'b', state: 'closed' },
      ],
      sync: { backend: 'memory' },
    });
  });

  it('S1: responses and server logs never hold a provider or gateway key', async () => {
    fx.sims[0]?.enqueue(fault.status(401, { message: `bad key ${CANARY.compatible}` }));
    await sdk.chat.completions.create({ model: 'default', messages: user() });
    await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}x` },
    });
    expectNoCanary(fx.log.text(), 'gateway logs');
  });
});
