import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/helpers/capture-logger.js';
import { parseConfig } from '../../config/parse-config.js';
import type {
  GeminiProviderConfig,
  ProviderConfigInput,
} from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { ContentFilterError } from '../../errors/content-filter-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { ProviderRequest } from '../provider.js';
import { GeminiProvider } from './gemini-provider.js';
import { SKIP_THOUGHT_SIGNATURE } from './thought-signature-store.js';

const KEY = 'AIzaTESTKEYgemini0123456789abcdefABCDEFGH';
const MODEL = 'gemini-2.5-flash';
const call = { correlationId: 'req_test', logger: silentLogger };

function geminiConfig(overrides: Partial<ProviderConfigInput> = {}): GeminiProviderConfig {
  return parseConfig(
    { providers: [{ name: 'gm', type: 'gemini', apiKey: KEY, model: MODEL, ...overrides }] },
    { env: false },
  ).providers[0] as GeminiProviderConfig;
}

const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: MODEL,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

const lookup = (id: string, args = '{"city":"Paris"}') => ({
  id,
  type: 'function' as const,
  function: { name: 'lookup', arguments: args },
});

describe('GeminiProvider (Gemini API) over HTTP', () => {
  let sim: SimulatedProvider;
  let provider: GeminiProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ wire: 'gemini', apiKey: KEY });
    provider = new GeminiProvider(geminiConfig({ baseURL: sim.baseURL }), {
      clock: systemClock,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('sends every unified field in its Gemini wire form', async () => {
    await provider.chat(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', url: 'https://example.com/cat.png' },
              { type: 'image', data: 'aGVsbG8=', mediaType: 'image/webp' },
              { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
            ],
          },
          { role: 'assistant', content: 'Let me look.', toolCalls: [lookup('call_1')] },
          { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
          { role: 'assistant', content: 'A cat.' },
          { role: 'user', content: 'Thanks' },
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
            function: {
              name: 'lookup',
              description: 'Looks up',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
        toolChoice: { type: 'function', function: { name: 'lookup' } },
        parallelToolCalls: false,
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true },
        },
        user: 'u-1',
      }),
      call,
    );
    const sent = sim.requests[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers['user-agent']).toMatch(/^flexiai\//);
    expect(sent?.body).toEqual({
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is this?' },
            { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/cat.png' } },
            { inlineData: { mimeType: 'image/webp', data: 'aGVsbG8=' } },
            { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
          ],
        },
        {
          role: 'model',
          parts: [
            { text: 'Let me look.' },
            { functionCall: { name: 'lookup', args: { city: 'Paris' } } },
          ],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'lookup', response: { output: 'a cat' } } }],
        },
        { role: 'model', parts: [{ text: 'A cat.' }] },
        { role: 'user', parts: [{ text: 'Thanks' }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: {
        candidateCount: 1,
        temperature: 0.2,
        maxOutputTokens: 50,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        frequencyPenalty: 0.5,
        presencePenalty: -0.5,
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object' },
      },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'lookup',
              description: 'Looks up',
              parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } },
    });
  });

  it('groups the results of parallel calls in one user turn, naming each from its call', async () => {
    await provider.chat(
      request({
        messages: [
          { role: 'user', content: 'Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [
              lookup('call_a'),
              { id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } },
            ],
          },
          { role: 'tool', toolCallId: 'call_b', content: '{"time":"12:00"}' },
          { role: 'tool', toolCallId: 'call_a', content: '[1,2]' },
        ],
      }),
      call,
    );
    const body = sim.requests[0]?.body as { contents: unknown[] };
    expect(body.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'lookup', args: { city: 'Paris' } } },
          { functionCall: { name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          // A JSON object is sent as it is; anything else goes under `output`.
          { functionResponse: { name: 'time', response: { time: '12:00' } } },
          { functionResponse: { name: 'lookup', response: { output: '[1,2]' } } },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
  ] as const)('maps toolChoice %s to functionCallingConfig', async (choice, config) => {
    await provider.chat(
      request({
        tools: [{ type: 'function', function: { name: 'lookup' } }],
        toolChoice: choice,
      }),
      call,
    );
    expect(sim.requests[0]?.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
      toolConfig: { functionCallingConfig: config },
    });
  });

  it('asks for JSON with responseMimeType for json_object, and sends plain text otherwise', async () => {
    await provider.chat(request({ responseFormat: { type: 'json_object' } }), call);
    await provider.chat(request({ responseFormat: { type: 'text' }, stop: 'STOP' }), call);
    expect(sim.requests[0]?.body).toMatchObject({
      generationConfig: { responseMimeType: 'application/json' },
    });
    const second = sim.requests[1]?.body as { generationConfig: Record<string, unknown> };
    expect(second.generationConfig).toEqual({ candidateCount: 1, stopSequences: ['STOP'] });
  });

  it('refuses, before any call, what Gemini cannot take', async () => {
    const noType = provider.chat(
      request({
        messages: [
          { role: 'user', content: [{ type: 'image', url: 'https://cdn.example/img?id=1' }] },
        ],
      }),
      call,
    );
    await expect(noType).rejects.toSatisfy((e) => ValidationError.isInstance(e));
    const badArgs = provider.chat(
      request({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', toolCalls: [lookup('c', '[1]')] },
        ],
      }),
      call,
    );
    await expect(badArgs).rejects.toMatchObject({
      path: 'messages.1.toolCalls.0.function.arguments',
    });
    const onlySystem = provider.chat(
      request({ messages: [{ role: 'system', content: 'x' }] }),
      call,
    );
    await expect(onlySystem).rejects.toSatisfy((e) => ValidationError.isInstance(e));
    expect(sim.requests).toHaveLength(0);
  });

  it('maps a text answer with usage, cache and thinking tokens, and safety ratings', async () => {
    const ratings = [{ category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' }];
    sim.enqueue(
      fault.ok({
        content: 'Hello',
        usage: { promptTokens: 11, completionTokens: 7 },
        model: 'gemini-2.5-flash-001',
        wireExtras: {
          cachedContentTokenCount: 4,
          thoughtsTokenCount: 5,
          safetyRatings: ratings,
          thought: 'I should greet.',
        },
      }),
    );
    const result = await provider.chat(request(), call);
    expect(result).toMatchObject({
      content: 'Hello',
      finishReason: 'stop',
      model: 'gemini-2.5-flash-001',
      usage: {
        promptTokens: 11,
        completionTokens: 12,
        totalTokens: 23,
        cachedPromptTokens: 4,
        reasoningTokens: 5,
      },
      providerMetadata: { finishReason: 'STOP', safetyRatings: ratings },
    });
    expect(result.id).toMatch(/^chatcmpl-sim-/);
    expect(result.toolCalls).toBeUndefined();
    expect(result.requestId).toMatch(/^req_sim_/);
  });

  it('maps function calls to tool calls with unique synthesized ids', async () => {
    sim.enqueue(fault.ok({ toolCalls: [lookup('x'), lookup('y', '{"city":"Rome"}')] }));
    const result = await provider.chat(request(), call);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.content).toBeNull();
    const [a, b] = result.toolCalls ?? [];
    expect(a).toMatchObject({
      type: 'function',
      function: { name: 'lookup', arguments: '{"city":"Paris"}' },
    });
    expect(b?.function.arguments).toBe('{"city":"Rome"}');
    expect(a?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(b?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(a?.id).not.toBe(b?.id);
  });

  it('keeps the ids Gemini gives its function calls', async () => {
    sim.enqueue(
      fault.ok({ toolCalls: [lookup('fc_upstream_1')], wireExtras: { functionCallIds: true } }),
    );
    const result = await provider.chat(request(), call);
    expect(result.toolCalls?.[0]?.id).toBe('fc_upstream_1');
  });

  it('sends a function call back with the thought signature it came with', async () => {
    sim.enqueue(
      fault.ok({ toolCalls: [lookup('x')], wireExtras: { thoughtSignature: 'c2lnLTE=' } }),
    );
    const first = await provider.chat(request(), call);
    const id = first.toolCalls?.[0]?.id ?? '';
    const followUp = (model: string, extra: Partial<ProviderRequest> = {}) =>
      provider.chat(
        request({
          model,
          messages: [
            { role: 'user', content: 'Weather?' },
            { role: 'assistant', content: null, toolCalls: [lookup(id), lookup('call_unknown')] },
            { role: 'tool', toolCallId: id, content: 'sunny' },
            { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
          ],
          ...extra,
        }),
        call,
      );
    const partsOf = (i: number) =>
      (sim.requests[i]?.body as { contents: { parts: Record<string, unknown>[] }[] }).contents[1]
        ?.parts;
    await followUp('gemini-3-pro-preview');
    expect(partsOf(1)?.map((p) => p.thoughtSignature)).toEqual(['c2lnLTE=', undefined]);

    // A Gemini 3 model turn whose signature is unknown gets Google's documented stand-in.
    await provider.chat(
      request({
        model: 'gemini-3-pro-preview',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', toolCalls: [lookup('call_unknown'), lookup('call_other')] },
          { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
          { role: 'tool', toolCallId: 'call_other', content: 'rainy' },
        ],
      }),
      call,
    );
    expect(partsOf(2)?.map((p) => p.thoughtSignature)).toEqual([SKIP_THOUGHT_SIGNATURE, undefined]);
    // Earlier models do not validate signatures: none is invented for them.
    await followUp(MODEL, {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', toolCalls: [lookup('call_unknown')] },
        { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
      ],
    });
    expect(partsOf(3)?.[0]).not.toHaveProperty('thoughtSignature');
    // Signatures kept by the caller come in through providerOptions, and are not sent as a field.
    await followUp(MODEL, {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', toolCalls: [lookup('call_kept')] },
        { role: 'tool', toolCallId: 'call_kept', content: 'rainy' },
      ],
      providerOptions: { gemini: { thoughtSignatures: { call_kept: 'a2VwdA==' } } },
    });
    expect(partsOf(4)?.[0]?.thoughtSignature).toBe('a2VwdA==');
    expect(sim.requests[4]?.body).not.toHaveProperty('thoughtSignatures');
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['OTHER', 'stop'],
  ] as const)('maps finish reason %s to %s', async (wire, unified) => {
    sim.enqueue(fault.ok({ content: 'x', wireExtras: { finishReason: wire } }));
    const result = await provider.chat(request(), call);
    expect(result.finishReason).toBe(unified);
    expect(result.providerMetadata?.finishReason).toBe(wire);
  });

  it('turns a blocked prompt into a ContentFilterError that does not fail over', async () => {
    sim.enqueue(fault.ok({ wireExtras: { blockReason: 'SAFETY' } }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ upstreamCode: 'SAFETY', retryable: false, provider: 'gm' });
    expect(classifyError(error)).toBe('caller');
  });

  it.each([
    [401, AuthenticationError, false],
    [403, AuthenticationError, false],
    [400, InvalidRequestError, false],
    [404, InvalidRequestError, false],
    [500, ProviderError, true],
    [503, ProviderError, true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (status, type, retryable) => {
    sim.enqueue(fault.status(status, { message: `boom key=${KEY}` }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(type.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, retryable, provider: 'gm', model: MODEL });
    expect((error as ProviderError).upstreamType).toMatch(/^[A-Z_]+$/);
    // An upstream echoing our key never carries it further (S2).
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect((error as Error).message).not.toContain(KEY);
    expect((error as Error).message).toContain('boom');
  });

  it('maps 429 RESOURCE_EXHAUSTED to a RateLimitError with the Retry-After wait', async () => {
    sim.enqueue(fault.status(429, { retryAfter: 2 }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
      upstreamType: 'RESOURCE_EXHAUSTED',
    });
  });

  it("reads the wait from Google's RetryInfo when there is no Retry-After header", async () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
      },
    });
    sim.enqueue(fault.status(429, { body }));
    await expect(provider.chat(request(), call)).rejects.toMatchObject({ retryAfterMs: 37_000 });
  });

  it('treats the Gemini API answer to a bad key (400 API_KEY_INVALID) as an authentication failure', async () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: `API key not valid. Please pass a valid API key. (${KEY})`,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
          },
        ],
      },
    });
    sim.enqueue(fault.status(400, { body }));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, upstreamCode: 'API_KEY_INVALID' });
    expect(classifyError(error)).toBe('auth');
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('turns malformed JSON into a MalformedResponseError with a bounded excerpt', async () => {
    sim.enqueue(fault.malformed());
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as MalformedResponseError).retryable).toBe(true);
    expect((error as MalformedResponseError).body?.length).toBeLessThanOrEqual(600);
  });

  it('turns an error inside a 200 into a retryable provider failure', async () => {
    sim.enqueue(fault.errorIn200('backend overloaded'));
    const error = await provider.chat(request(), call).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, upstreamType: 'INTERNAL' });
    expect((error as Error).message).toContain('error inside a 200 response: backend overloaded');
  });

  it('refuses a 200 body that is not a GenerateContentResponse, or has no candidate', async () => {
    sim.enqueue(
      fault.status(200, { body: '{"candidates":"nope"}' }),
      fault.status(200, { body: '{"usageMetadata":{"promptTokenCount":1}}' }),
    );
    for (let i = 0; i < 2; i += 1) {
      await expect(provider.chat(request(), call)).rejects.toSatisfy((e) =>
        MalformedResponseError.isInstance(e),
      );
    }
  });

  it('passes providerOptions through, merging generationConfig field by field', async () => {
    await provider.chat(
      request({
        temperature: 0.3,
        providerOptions: {
          gemini: {
            safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
            generationConfig: { thinkingConfig: { thinkingBudget: 0 } },
          },
          gm: { cachedContent: 'cachedContents/abc' },
          openai: { ignored: true },
        },
      }),
      call,
    );
    expect(sim.requests[0]?.body).toMatchObject({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc',
      generationConfig: {
        candidateCount: 1,
        temperature: 0.3,
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
    expect(sim.requests[0]?.body).not.toHaveProperty('ignored');
  });

  it('caches its health check, a GET of the model', async () => {
    const first = await provider.healthCheck({ force: true });
    const second = await provider.healthCheck();
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ method: 'GET', url: `/v1beta/models/${MODEL}` });
    expect(sim.requests[0]?.headers['x-goog-api-key']).toBe(KEY);
  });

  it('reports a failed health check without the key', async () => {
    const other = new GeminiProvider(
      geminiConfig({ baseURL: sim.baseURL, apiKey: 'AIzaWRONGkey0123456789abcdefABCDEFGHIJ' }),
      {
        clock: systemClock,
        logger: silentLogger,
      },
    );
    const result = await other.healthCheck({ force: true });
    expect(result.ok).toBe(false);
    expect(AuthenticationError.isInstance(result.error)).toBe(true);
    await other.close();
  });
});

describe('Gemini API key format', () => {
  it('warns once, without the key, when the key does not look like a Gemini key; never refuses', () => {
    const logs = captureLogger('trace');
    const odd = 'not-a-google-key-0123456789abcdef';
    const provider = new GeminiProvider(geminiConfig({ apiKey: odd }), {
      clock: systemClock,
      logger: logs.logger,
    });
    expect(logs.lines().filter((l) => l.level === 40)).toHaveLength(1);
    expect(logs.text()).toContain('AIza');
    expect(logs.text()).not.toContain(odd);
    const quiet = captureLogger('trace');
    new GeminiProvider(geminiConfig(), { clock: systemClock, logger: quiet.logger });
    expect(quiet.lines()).toHaveLength(0);
    return provider.close();
  });
});
