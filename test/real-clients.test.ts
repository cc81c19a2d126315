import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, jsonSchema, Output, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fault } from '../src/testing/faults.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

/**
 * Mainstream OpenAI clients, as users run them, against the gateway on a real socket (providers
 * a then b, simulated). Each works on the happy path and through a failover (a fails first).
 */
describe('real OpenAI clients against the gateway', () => {
  let fx: GatewayFixture;
  let baseURL: string;

  beforeAll(async () => {
    // A route named like a reasoning model, so clients that gate reasoning on the name send it.
    fx = await startGatewayFixture((config) => ({
      ...config,
      routes: { 'gpt-5-flex': ['a', 'b'] },
    }));
    baseURL = `${fx.url}/v1`;
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    for (const sim of fx.sims) sim.reset();
    fx.client.resetCircuitBreakers();
  });

  // Every URL the clients called, to prove which gateway endpoint each used.
  const calledURLs: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    calledURLs.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
    return fetch(input, init);
  };
  beforeEach(() => {
    calledURLs.length = 0;
  });
  const failPrimary = () => fx.sims[0]?.enqueue(fault.status(503));
  const served = () => fx.sims.map((sim) => sim.chatCalls);
  const lastBody = (i: number) => fx.sims[i]?.requests.at(-1)?.body as Record<string, unknown>;
  const weather = {
    description: 'Weather for a city',
    inputSchema: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    }),
  };
  const toolCall = (id: string, args = '{"city":"Oslo"}') =>
    fault.ok({
      toolCalls: [{ id, type: 'function', function: { name: 'weather', arguments: args } }],
    });

  describe('openai SDK', () => {
    const sdk = () => new OpenAI({ baseURL, apiKey: CANARY.gateway, maxRetries: 0 });

    it.each([false, true])(
      'chat, responses.create plain and streamed (failover: %s)',
      async (failover) => {
        if (failover) failPrimary();
        const chat = await sdk().chat.completions.create({
          model: 'default',
          messages: [{ role: 'user', content: 'Hi' }],
        });
        expect(chat.choices[0]?.message.content).toBe(`(${failover ? 'b' : 'a'}) You said: Hi`);
        if (failover) failPrimary();
        const plain = await sdk().responses.create({ model: 'default', input: 'Hi' });
        expect(plain.output_text).toBe(`(${failover ? 'b' : 'a'}) You said: Hi`);
        if (failover) failPrimary();
        const stream = await sdk().responses.create({
          model: 'default',
          input: 'Hi',
          stream: true,
        });
        let text = '';
        let last = '';
        for await (const event of stream) {
          if (event.type === 'response.output_text.delta') text += event.delta;
          last = event.type;
        }
        expect(text).toBe(`(${failover ? 'b' : 'a'}) You said: Hi`);
        expect(last).toBe('response.completed');
        expect(served()).toEqual(failover ? [3, 3] : [3, 0]);
      },
    );

    it('models.retrieve', async () => {
      await expect(sdk().models.retrieve('default')).resolves.toMatchObject({ id: 'default' });
    });
  });

  describe('AI SDK (ai + @ai-sdk/openai)', () => {
    const provider = () => createOpenAI({ baseURL, apiKey: CANARY.gateway, fetch: recordingFetch });

    it.each([false, true])(
      'default (Responses API) model: text, stream and tools (failover: %s)',
      async (failover) => {
        const model = provider()('default');
        if (failover) failPrimary();
        const text = await generateText({ model, prompt: 'Hello', maxRetries: 0 });
        expect(text.text).toBe(`(${failover ? 'b' : 'a'}) You said: Hello`);
        expect(text.usage.inputTokens).toBeGreaterThan(0);
        expect(fx.sims[failover ? 1 : 0]?.requests.at(-1)?.path).toBe('/v1/chat/completions');

        if (failover) failPrimary();
        const streamed = streamText({ model, prompt: 'Stream', maxRetries: 0 });
        let out = '';
        for await (const delta of streamed.textStream) out += delta;
        expect(out).toBe(`(${failover ? 'b' : 'a'}) You said: Stream`);
        expect(await streamed.finishReason).toBe('stop');

        if (failover) failPrimary();
        fx.sims[failover ? 1 : 0]?.enqueue(toolCall('call_r1'));
        const called = await generateText({
          model,
          prompt: 'Weather in Oslo?',
          tools: { weather: tool(weather) },
          maxRetries: 0,
        });
        expect(called.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Oslo' } });
        expect(served()).toEqual(failover ? [3, 3] : [3, 0]);
        expect(calledURLs).toEqual(Array(3).fill('/v1/responses'));
      },
    );

    it.each([false, true])('.chat() model (Chat Completions) (failover: %s)', async (failover) => {
      if (failover) failPrimary();
      const result = await generateText({
        model: provider().chat('default'),
        prompt: 'Hello',
        maxRetries: 0,
      });
      expect(result.text).toBe(`(${failover ? 'b' : 'a'}) You said: Hello`);
      expect(served()).toEqual(failover ? [1, 1] : [1, 0]);
      expect(calledURLs).toEqual(['/v1/chat/completions']);
    });

    it('structured output through the Responses model (text.format json_schema)', async () => {
      fx.sims[0]?.enqueue(fault.ok({ content: '{"city":"Oslo","celsius":-3}' }));
      const result = await generateText({
        model: provider()('default'),
        prompt: 'Oslo?',
        output: Output.object({ schema: z.object({ city: z.string(), celsius: z.number() }) }),
        maxRetries: 0,
      });
      expect(result.output).toEqual({ city: 'Oslo', celsius: -3 });
      expect(lastBody(0).response_format).toMatchObject({ type: 'json_schema' });
    });
  });

  describe('AI SDK (@ai-sdk/openai-compatible)', () => {
    it.each([false, true])(
      'providerOptions reasoningEffort reaches the provider (failover: %s)',
      async (failover) => {
        const provider = createOpenAICompatible({
          name: 'flexiai',
          baseURL,
          apiKey: CANARY.gateway,
          includeUsage: true,
        });
        if (failover) failPrimary();
        const result = await generateText({
          model: provider('default'),
          prompt: 'Think',
          providerOptions: { flexiai: { reasoningEffort: 'low' } },
          maxRetries: 0,
        });
        expect(result.text).toBe(`(${failover ? 'b' : 'a'}) You said: Think`);
        expect(lastBody(failover ? 1 : 0).reasoning_effort).toBe('low');
        if (failover) failPrimary();
        const streamed = streamText({
          model: provider('default'),
          prompt: 'Stream',
          providerOptions: { flexiai: { reasoningEffort: 'high' } },
          maxRetries: 0,
        });
        let out = '';
        for await (const delta of streamed.textStream) out += delta;
        expect(out).toBe(`(${failover ? 'b' : 'a'}) You said: Stream`);
        expect(lastBody(failover ? 1 : 0).reasoning_effort).toBe('high');
      },
    );
  });

  describe('LangChain ChatOpenAI', () => {
    const chat = (extra: Record<string, unknown> = {}) =>
      new ChatOpenAI({
        model: 'default',
        apiKey: CANARY.gateway,
        configuration: { baseURL, fetch: recordingFetch },
        maxRetries: 0,
        ...extra,
      });

    it.each([false, true])(
      'plain, stream, tools, structured output (failover: %s)',
      async (failover) => {
        const who = failover ? 'b' : 'a';
        if (failover) failPrimary();
        const plain = await chat().invoke('Hello');
        expect(plain.content).toBe(`(${who}) You said: Hello`);

        if (failover) failPrimary();
        let streamed = '';
        for await (const chunk of await chat().stream('Stream')) streamed += String(chunk.content);
        expect(streamed).toBe(`(${who}) You said: Stream`);

        if (failover) failPrimary();
        fx.sims[failover ? 1 : 0]?.enqueue(toolCall('call_lc1'));
        const withTools = chat().bindTools([
          {
            type: 'function',
            function: {
              name: 'weather',
              description: 'Weather for a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ]);
        const called = await withTools.invoke('Weather in Oslo?');
        expect(called.tool_calls?.[0]).toMatchObject({ name: 'weather', args: { city: 'Oslo' } });

        if (failover) failPrimary();
        fx.sims[failover ? 1 : 0]?.enqueue(fault.ok({ content: '{"city":"Oslo","celsius":-3}' }));
        const structured = await chat()
          .withStructuredOutput(z.object({ city: z.string(), celsius: z.number() }), {
            method: 'jsonSchema',
            name: 'weather',
          })
          .invoke('Oslo?');
        expect(structured).toEqual({ city: 'Oslo', celsius: -3 });
        expect(served()).toEqual(failover ? [4, 4] : [4, 0]);
      },
    );

    it.each([false, true])('useResponsesApi: plain and stream (failover: %s)', async (failover) => {
      const who = failover ? 'b' : 'a';
      if (failover) failPrimary();
      const plain = await chat({ useResponsesApi: true }).invoke('Hello');
      expect(plain.text).toBe(`(${who}) You said: Hello`);
      if (failover) failPrimary();
      let streamed = '';
      for await (const chunk of await chat({ useResponsesApi: true }).stream('Stream'))
        streamed += chunk.text;
      expect(streamed).toBe(`(${who}) You said: Stream`);
      expect(served()).toEqual(failover ? [2, 2] : [2, 0]);
      expect(calledURLs).toEqual(['/v1/responses', '/v1/responses']);
    });

    it.each([false, true])(
      'reasoning effort (LangChain `reasoning`) reaches the provider (failover: %s)',
      async (failover) => {
        if (failover) failPrimary();
        const result = await chat({ model: 'gpt-5-flex', reasoning: { effort: 'medium' } }).invoke(
          'Think',
        );
        expect(result.content).toBe(`(${failover ? 'b' : 'a'}) You said: Think`);
        expect(lastBody(failover ? 1 : 0).reasoning_effort).toBe('medium');
      },
    );
  });
});
