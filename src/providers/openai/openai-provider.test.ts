import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type {
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

const KEY = 'sk-proj-TESTKEYopenai0123456789abcdefABCDEF';
const call = { correlationId: 'req_test', logger: silentLogger };

function providerConfig(overrides: Partial<ProviderConfigInput> = {}) {
  const config = parseConfig(
    {
      providers: [{ name: 'oa', type: 'openai', apiKey: KEY, model: 'gpt-4o-mini', ...overrides }],
    },
    { env: false },
  );
  return config.providers[0] as OpenAIProviderConfig;
}

const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

describe('OpenAIProvider over HTTP', () => {
  let sim: SimulatedProvider;
  let provider: OpenAIProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: KEY });
    provider = new OpenAIProvider(providerConfig({ baseURL: sim.baseURL }), {
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
        providerOptions: { openai: { service_tier: 'flex' }, other: { ignored: true } },
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
      max_completion_tokens: 50,
      top_p: 0.9,
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
    [500, ProviderError, true],
    [503, ProviderError, true],
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
