import { describe, expect, it } from 'vitest';
import {
  GEMINI_KEY,
  GEMINI_MODEL,
  call,
  request,
  lookup,
  useGeminiSim,
} from '../../../test/helpers/gemini-fixture.js';
import { ValidationError } from '../../errors/validation-error.js';

describe('GeminiProvider (Gemini API): the request sent upstream', () => {
  const gm = useGeminiSim();

  it('sends every unified field in its Gemini wire form', async () => {
    await gm.provider.chat(
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
    const sent = gm.sim.requests[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe(`/v1beta/models/${GEMINI_MODEL}:generateContent`);
    expect(sent?.headers['x-goog-api-key']).toBe(GEMINI_KEY);
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
    await gm.provider.chat(
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
    const body = gm.sim.requests[0]?.body as { contents: unknown[] };
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
    await gm.provider.chat(
      request({
        tools: [{ type: 'function', function: { name: 'lookup' } }],
        toolChoice: choice,
      }),
      call,
    );
    expect(gm.sim.requests[0]?.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'lookup' }] }],
      toolConfig: { functionCallingConfig: config },
    });
  });

  it('asks for JSON with responseMimeType for json_object, and sends plain text otherwise', async () => {
    await gm.provider.chat(request({ responseFormat: { type: 'json_object' } }), call);
    await gm.provider.chat(request({ responseFormat: { type: 'text' }, stop: 'STOP' }), call);
    expect(gm.sim.requests[0]?.body).toMatchObject({
      generationConfig: { responseMimeType: 'application/json' },
    });
    const second = gm.sim.requests[1]?.body as { generationConfig: Record<string, unknown> };
    expect(second.generationConfig).toEqual({ candidateCount: 1, stopSequences: ['STOP'] });
  });

  it('refuses, before any call, what Gemini cannot take', async () => {
    const noType = gm.provider.chat(
      request({
        messages: [
          { role: 'user', content: [{ type: 'image', url: 'https://cdn.example/img?id=1' }] },
        ],
      }),
      call,
    );
    await expect(noType).rejects.toSatisfy((e) => ValidationError.isInstance(e));
    const badArgs = gm.provider.chat(
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
    const onlySystem = gm.provider.chat(
      request({ messages: [{ role: 'system', content: 'x' }] }),
      call,
    );
    await expect(onlySystem).rejects.toSatisfy((e) => ValidationError.isInstance(e));
    expect(gm.sim.requests).toHaveLength(0);
  });

  it('passes providerOptions through, merging generationConfig field by field', async () => {
    await gm.provider.chat(
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
    expect(gm.sim.requests[0]?.body).toMatchObject({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      cachedContent: 'cachedContents/abc',
      generationConfig: {
        candidateCount: 1,
        temperature: 0.3,
        thinkingConfig: { thinkingBudget: 0 },
      },
    });
    expect(gm.sim.requests[0]?.body).not.toHaveProperty('ignored');
  });
});
