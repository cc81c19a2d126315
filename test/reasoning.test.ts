import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway/start-gateway.js';
import { fault } from '../src/testing/faults.js';
import type { ChatMessage } from '../src/types/message.js';
import { CANARY } from './helpers/canary.js';
import { captureLogger } from './helpers/capture-logger.js';
import { createFleet, type Fleet } from './helpers/sim-fleet.js';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};
const thinking = {
  text: 'The user wants the weather; call the tool.',
  signature: 'sig-123',
  tokens: 42,
};
const callReply = fault.ok({
  reasoning: thinking,
  toolCalls: [
    {
      id: 'toolu_1',
      type: 'function',
      function: { name: 'weather', arguments: '{"city":"Oslo"}' },
    },
  ],
});

describe('the unified reasoning option', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  const sent = (i = 0) => fleet.sims[i]?.requests.at(-1)?.body as Record<string, unknown>;

  it('is OpenAI reasoning_effort, a budget converted to an effort; reasoning tokens reported', async () => {
    fleet = await createFleet(['openai']);
    fleet.sims[0]?.enqueue(fault.ok({ content: 'ok', reasoning: { text: '', tokens: 12 } }));
    const res = await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { effort: 'high' },
    });
    expect(sent().reasoning_effort).toBe('high');
    expect(res.usage.reasoningTokens).toBe(12);
    await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { budgetTokens: 2000 },
    });
    expect(sent().reasoning_effort).toBe('low');
  });

  it('is Anthropic extended thinking with budget_tokens, max_tokens made room for, sampling fields dropped and named', async () => {
    fleet = await createFleet(['anthropic']);
    const res = await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { effort: 'medium' },
      temperature: 0.3,
    });
    expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 8192 });
    expect(sent().max_tokens).toBeGreaterThan(8192);
    expect(sent()).not.toHaveProperty('temperature');
    expect(res.droppedParams).toEqual(['temperature']);

    await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { budgetTokens: 3000 },
      maxTokens: 2000,
    });
    // The budget must stay below max_tokens.
    expect(sent()).toMatchObject({ thinking: { budget_tokens: 1999 }, max_tokens: 2000 });

    const forced = await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { effort: 'low' },
      tools: [weatherTool],
      toolChoice: 'required',
    });
    // Anthropic refuses thinking with a forced tool choice: thinking is the one dropped, and named.
    expect(sent()).not.toHaveProperty('thinking');
    expect(forced.droppedParams).toEqual(['reasoning']);
  });

  it('is Gemini thinkingConfig.thinkingBudget; thought tokens reported', async () => {
    fleet = await createFleet(['gemini']);
    fleet.sims[0]?.enqueue(fault.ok({ content: 'ok', reasoning: { text: '', tokens: 30 } }));
    const res = await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { effort: 'low' },
    });
    expect((sent().generationConfig as Record<string, unknown>).thinkingConfig).toEqual({
      thinkingBudget: 2048,
    });
    expect(res.usage.reasoningTokens).toBe(30);
    await fleet.ai.chatCompletion({
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning: { effort: 'none' },
    });
    expect((sent().generationConfig as Record<string, unknown>).thinkingConfig).toEqual({
      thinkingBudget: 0,
    });
  });

  it('refuses an empty reasoning option before any call', async () => {
    fleet = await createFleet(['openai']);
    await expect(
      fleet.ai.chatCompletion({ messages: [{ role: 'user', content: 'Hi' }], reasoning: {} }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });
});

describe('Anthropic thinking blocks in a tool-use conversation', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  const secondTurn = (res: { content: string | null; toolCalls?: unknown; reasoning?: unknown }) =>
    [
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: res.content,
        toolCalls: res.toolCalls,
        reasoning: res.reasoning,
      },
      { role: 'tool', toolCallId: 'toolu_1', content: '-3C' },
    ] as ChatMessage[];

  it.each([false, true])(
    'are kept with their signature and sent back first in the next turn (stream: %s)',
    async (stream) => {
      fleet = await createFleet(['anthropic']);
      fleet.sims[0]?.enqueue(callReply);
      const request = {
        messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }],
        tools: [weatherTool],
        reasoning: { budgetTokens: 2048 },
      };
      const first = stream
        ? await fleet.ai.chatCompletionStream(request).finalResponse()
        : await fleet.ai.chatCompletion(request);
      expect(first.reasoning).toEqual([
        { type: 'thinking', text: thinking.text, signature: 'sig-123' },
      ]);
      expect(first.toolCalls?.[0]?.id).toBe('toolu_1');

      await fleet.ai.chatCompletion({ ...request, messages: secondTurn(first) });
      const body = fleet.sims[0]?.requests.at(-1)?.body as {
        messages: { role: string; content: unknown }[];
      };
      expect(body.messages[1]).toEqual({
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: thinking.text, signature: 'sig-123' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
        ],
      });
    },
  );

  it('turns thinking off (named in droppedParams) for a tool-use turn that came without thinking blocks', async () => {
    fleet = await createFleet(['anthropic']);
    const res = await fleet.ai.chatCompletion({
      messages: secondTurn({
        content: null,
        toolCalls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{}' } },
        ],
      }),
      tools: [weatherTool],
      reasoning: { effort: 'low' },
    });
    expect(fleet.sims[0]?.requests.at(-1)?.body).not.toHaveProperty('thinking');
    expect(res.droppedParams).toEqual(['reasoning']);
  });

  it('leaves thinking out for other providers (a failover target cannot read Anthropic signatures)', async () => {
    fleet = await createFleet(['openai']);
    await fleet.ai.chatCompletion({
      messages: secondTurn({
        content: null,
        toolCalls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{}' } },
        ],
        reasoning: [{ type: 'thinking', text: 'secret', signature: 's' }],
      }),
      tools: [weatherTool],
    });
    expect(JSON.stringify(fleet.sims[0]?.requests.at(-1)?.body)).not.toContain('secret');
  });
});

describe('reasoning through the gateway (Anthropic behind it)', () => {
  let fleet: Fleet;
  let gateway: RunningGateway;
  let sdk: OpenAI;
  beforeAll(async () => {
    fleet = await createFleet(['anthropic'], (c) => ({
      ...c,
      server: { port: 0, apiKeys: [CANARY.gateway] },
    }));
    gateway = await startGateway({ client: fleet.ai, logger: captureLogger('warn').logger });
    sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await fleet.close();
  });

  const tools = [
    {
      type: 'function' as const,
      name: 'weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      strict: false,
    },
  ];

  it.each([false, true])(
    'returns a reasoning item whose encrypted_content carries the thinking back next turn (stream: %s)',
    async (stream) => {
      fleet.sims[0]?.enqueue(callReply);
      const request = {
        model: 'default',
        input: 'Weather in Oslo?',
        tools,
        reasoning: { effort: 'low' as const },
      };
      let output: OpenAI.Responses.ResponseOutputItem[];
      if (stream) {
        const events = await sdk.responses.create({ ...request, stream: true });
        const types: string[] = [];
        let completed: OpenAI.Responses.Response | undefined;
        for await (const event of events) {
          types.push(event.type);
          if (event.type === 'response.completed') completed = event.response;
        }
        expect(types).toContain('response.reasoning_summary_text.delta');
        output = completed?.output ?? [];
      } else {
        output = (await sdk.responses.create(request)).output;
      }
      expect(output.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
      const reasoning = output[0] as OpenAI.Responses.ResponseReasoningItem;
      expect(reasoning.summary).toEqual([{ type: 'summary_text', text: thinking.text }]);
      expect(reasoning.encrypted_content).toBeTruthy();

      fleet.sims[0]?.enqueue(fault.ok({ content: 'Cold.' }));
      const next = await sdk.responses.create({
        ...request,
        input: [
          { role: 'user', content: 'Weather in Oslo?' },
          ...(output as OpenAI.Responses.ResponseInputItem[]),
          { type: 'function_call_output', call_id: 'toolu_1', output: '-3C' },
        ],
      });
      expect(next.output_text).toBe('Cold.');
      const body = fleet.sims[0]?.requests.at(-1)?.body as { messages: { content: unknown }[] };
      expect(body.messages[1]?.content).toEqual([
        { type: 'thinking', thinking: thinking.text, signature: 'sig-123' },
        { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
      ]);
    },
  );

  it('gives the thinking as reasoning_content in chat completions, plain and streamed', async () => {
    fleet.sims[0]?.enqueue(fault.ok({ content: 'Answer', reasoning: thinking }));
    const chat = await sdk.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning_effort: 'low',
    });
    expect(chat.choices[0]?.message).toMatchObject({
      content: 'Answer',
      reasoning_content: thinking.text,
    });
    fleet.sims[0]?.enqueue(fault.ok({ content: 'Answer', reasoning: thinking }));
    const stream = await sdk.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Hi' }],
      reasoning_effort: 'low',
      stream: true,
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string };
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe(thinking.text);
    expect(content).toBe('Answer');
  });
});
