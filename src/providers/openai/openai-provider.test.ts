import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type {
  OpenAICompatibleProviderConfig,
  OpenAIProviderConfig,
  ProviderConfigInput,
} from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { ProviderRequest } from '../provider.js';
import { OpenAIProvider } from './openai-provider.js';

const KEY = 'sk-proj-TESTKE.Yopenai0123456789abcdefABCDEF';
const call = { correlationId: 'req_test', logger: silentLogger };

function providerConfig(overrides: Partial<ProviderConfigInput> = {}) {
  const config = parseConfig(
    {
      providers: [
        { name: 'oa', type: 'openai', apiKey: KEY, model: 'gpt-4o-mini', ...overrides },
      ] as ProviderConfigInput[],
    },
    { env: false },
  );
  return config.providers[0] as OpenAIProviderConfig | OpenAICompatibleProviderConfig;
}

/** The two types the adapter serves, and where their wire bodies differ. */
const TYPES = [
  { type: 'openai', maxTokensField: 'max_completion_tokens', sendsTopK: false },
  { type: 'openai-compatible', maxTokensField: 'max_tokens', sendsTopK: true },
] as const;

/** A 200 answered with this chat completion body, verbatim (fields `fault.ok` cannot script). */
const completionBody = (fields: Record<string, unknown>, message: Record<string, unknown> = {}) =>
  fault.status(200, {
    body: JSON.stringify({
      id: 'chatcmpl-raw',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'raw', ...message },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      ...fields,
    }),
  });

const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

describe.each(TYPES)('OpenAIProvider ($type) over HTTP', ({ type, maxTokensField, sendsTopK }) => {
  let sim: SimulatedProvider;
  let provider: OpenAIProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: KEY });
    provider = new OpenAIProvider(providerConfig({ type, baseURL: sim.baseURL }), {
      clock: systemClock,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('sends every unified field in its OpenAI wire form', async () => {
    await provider.chat(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
              { type: 'image', data: 'aGVsbG8=', mediaType: 'image/png' },
            ],
          },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
            ],
          },
          { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
        ],
        temperature: 0.2,
        maxTokens: 50,
        topP: 0.9,
        topK: 40,
        stop: ['END'],
        seed: 7,
        frequencyPenalty: 0.5,
        presencePenalty: -0.5,
        tools: [
          {
            type: 'function',
            function: { name: 'look', description: 'Looks', parameters: { type: 'object' } },
          },
        ],
        toolChoice: { type: 'function', function: { name: 'look' } },
        parallelToolCalls: false,
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true },
        },
        user: 'u-1',
        providerOptions: { [type]: { service_tier: 'flex' }, other: { ignored: true } },
      }),
      call,
    );
    const sent = sim.requests[0];
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.headers['user-agent']).toMatch(/^flexiai\//);
    expect(sent?.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,aGVsbG8=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      temperature: 0.2,
      [maxTokensField]: 50,
      top_p: 0.9,
      // OpenAI refuses top_k: it is sent to compatible servers (vLLM, Ollama, ...) only.
      ...(sendsTopK ? { top_k: 40 } : {}),
      stop: ['END'],
      seed: 7,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      tools: [
        {
          type: 'function',
          function: { name: 'look', description: 'Looks', parameters: { type: 'object' } },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'look' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
      user: 'u-1',
      service_tier: 'flex',
    });
  });

  it('maps a completion with tool calls and usage to the unified result', async () => {
    sim.enqueue(
      fault.ok({
        toolCalls: [
          { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
        usage: { promptTokens: 11, completionTokens: 7 },
      }),
    );
    const result = await provider.chat(request(), call);
    expect(result).toMatchObject({
      content: null,
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        { id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } },
      ],
      usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 },
      model: 'gpt-4o-mini',
    });
    expect(result.requestId).toMatch(/^req_sim_/);
  });

  it('maps a text answer with id, model, usage, system fingerprint and the x-request-id header', async () => {
    sim.enqueue(fault.ok({ content: 'Bonjour', usage: { promptTokens: 4, completionTokens: 2 } }));
    const result = await provider.chat(request(), call);
    expect(result).toEqual({
      id: expect.stringMatching(/^chatcmpl-sim-/),
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      content: 'Bonjour',
      finishReason: 'stop',
      usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 },
      requestId: expect.stringMatching(/^req_sim_/),
      providerMetadata: { systemFingerprint: 'fp_flexiai_sim' },
    });
  });

  it('sends a multi-turn conversation in order, with roles and names', async () => {
    await provider.chat(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi, I am Ann.', name: 'ann' },
          { role: 'assistant', content: 'Hello Ann.' },
          { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
        ],
      }),
      call,
    );
    expect((sim.requests[0]?.body as { messages: unknown }).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi, I am Ann.', name: 'ann' },
      { role: 'assistant', content: 'Hello Ann.' },
      { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
    ]);
  });

  it.each([
    [{ type: 'json_object' }, { type: 'json_object' }],
    [{ type: 'text' }, { type: 'text' }],
  ] as const)('sends responseFormat %o as response_format %o', async (format, wire) => {
    await provider.chat(request({ responseFormat: format }), call);
    expect(sim.requests[0]?.body).toMatchObject({ response_format: wire });
  });

  it.each(['auto', 'none', 'required'] as const)('sends toolChoice %s as is', async (choice) => {
    const tools = [{ type: 'function' as const, function: { name: 'look' } }];
    await provider.chat(request({ tools, toolChoice: choice }), call);
    expect(sim.requests[0]?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'look' } }],
      tool_choice: choice,
    });
  });

  it('reports cached prompt tokens and reasoning tokens from the usage details', async () => {
    sim.enqueue(
      completionBody({
        usage: {
          prompt_tokens: 100,
          completion_tokens: 30,
          total_tokens: 130,
          prompt_tokens_details: { cached_tokens: 64 },
          completion_tokens_details: { reasoning_tokens: 12 },
        },
      }),
    );
    expect((await provider.chat(request(), call)).usage).toEqual({
      promptTokens: 100,
      completionTokens: 30,
      totalTokens: 130,
      cachedPromptTokens: 64,
      reasoningTokens: 12,
    });
  });

  it('keeps a refusal in providerMetadata, with null content', async () => {
    sim.enqueue(completionBody({}, { content: null, refusal: 'I cannot help with that.' }));
    const result = await provider.chat(request(), call);
    expect(result.content).toBeNull();
    expect(result.providerMetadata).toMatchObject({ refusal: 'I cannot help with that.' });
  });

  it.each([
    ['function_call', 'tool_calls'],
    ['error', 'error'],
    ['something_new', 'stop'],
  ] as const)('maps the raw finish_reason %s to %s', async (wire, unified) => {
    sim.enqueue(
      completionBody({
        choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: wire }],
      }),
    );
    expect((await provider.chat(request(), call)).finishReason).toBe(unified);
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['content_filter', 'content_filter'],
  ] as const)('maps finish reason %s', async (wire, unified) => {
    sim.enqueue(fault.ok({ content: 'x', finishReason: wire }));
    expect((await provider.chat(request(), call)).finishReason).toBe(unified);
  });

  it.each([
    [401, AuthenticationError, false],
    [403, AuthenticationError, false],
    [400, InvalidRequestError, false],
    [404, InvalidRequestError, false],
    [422, InvalidRequestError, false],
    [413, InvalidRequestError, false],
    [408, ProviderError, true],
    [500, ProviderError, true],
    [502, ProviderError, true],
    [503, ProviderError, true],
    [529, ProviderError, true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (status, type, retryable) => {
    sim.enqueue(fault.status(status, { message: `boom ${KEY}` }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(type.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, retryable, provider: 'oa', model: 'gpt-4o-mini' });
    // An upstream echoing our key never carries it further (S2).
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('maps 429 to a RateLimitError with the Retry-After wait', async () => {
    sim.enqueue(fault.status(429, { retryAfter: 2 }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000, retryable: true });
  });

  it('honours retry-after-ms over Retry-After', async () => {
    sim.enqueue(fault.status(429, { retryAfter: 2, retryAfterMs: 150 }));
    await expect(provider.chat(request(), call)).rejects.toMatchObject({ retryAfterMs: 150 });
  });

  it('treats an exhausted quota as misconfiguration, not a rate limit', async () => {
    sim.enqueue(fault.status(429, { code: 'insufficient_quota' }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
  });

  it('honours x-should-retry: false', async () => {
    sim.enqueue(fault.status(500, { headers: { 'x-should-retry': 'false' } }));
    await expect(provider.chat(request(), call)).rejects.toMatchObject({
      status: 500,
      retryable: false,
    });
  });

  it('turns malformed JSON into a MalformedResponseError with a bounded excerpt', async () => {
    sim.enqueue(fault.malformed());
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as MalformedResponseError).body?.length).toBeLessThanOrEqual(600);
  });

  it('turns an error inside a 200 into a retryable provider failure', async () => {
    sim.enqueue(fault.errorIn200('overloaded'));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, retryable: true });
    expect((error as Error).message).toContain('overloaded');
  });

  it('refuses a 200 body that is not a chat completion', async () => {
    sim.enqueue(fault.status(200, { body: '{"id":"x","choices":[]}' }));
    await expect(provider.chat(request(), call)).rejects.toSatisfy((e) =>
      MalformedResponseError.isInstance(e),
    );
  });

  it('caches its health check', async () => {
    const first = await provider.healthCheck({ force: true });
    const second = await provider.healthCheck();
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(sim.requests.filter((r) => r.operation === 'models')).toHaveLength(1);
  });
});

describe('openai-compatible', () => {
  it('sends max_tokens, top_k, a custom auth header and query parameters (Azure style)', async () => {
    const sim = await createSimulatedProvider();
    const config = parseConfig(
      {
        providers: [
          {
            name: 'azure',
            type: 'openai-compatible',
            baseURL: `${sim.baseURL}`,
            apiKey: KEY,
            authHeader: 'api-key',
            queryParams: { 'api-version': '2024-10-21' },
            model: 'my-deployment',
          },
        ],
      },
      { env: false },
    ).providers[0];
    const provider = new OpenAIProvider(config as never, {
      clock: systemClock,
      logger: silentLogger,
    });
    await provider.chat(request({ model: 'my-deployment', maxTokens: 9, topK: 3 }), call);
    const sent = sim.requests[0];
    expect(sent?.url).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(sent?.headers['api-key']).toBe(KEY);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.body).toMatchObject({ max_tokens: 9, top_k: 3 });
    expect(sent?.body).not.toHaveProperty('max_completion_tokens');
    await provider.close();
    await sim.close();
  });
});
