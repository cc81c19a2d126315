import { describe, expect, it } from 'vitest';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { AnthropicProvider } from './anthropic-provider.js';
import {
  ANTHROPIC_KEY,
  ANTHROPIC_MODEL,
  anthropicCall,
  anthropicConfig,
  anthropicRequest,
  useAnthropicSim,
} from '../../../test/helpers/anthropic-fixture.js';
import { JSON_OBJECT_INSTRUCTION } from './convert-to-anthropic-request.js';

const KEY = ANTHROPIC_KEY;
const MODEL = ANTHROPIC_MODEL;
const call = anthropicCall;
const request = anthropicRequest;

describe('AnthropicProvider request conversion over HTTP', () => {
  const fx = useAnthropicSim();

  const sent = () => fx.sim().requests[0]?.body as Record<string, unknown>;

  it('sends every unified field in its Anthropic wire form', async () => {
    await fx.provider().chat(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
              { type: 'image', data: 'aGVsbG8=', mediaType: 'image/png' },
              { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
            ],
          },
          {
            role: 'assistant',
            content: 'Let me look.',
            toolCalls: [
              { id: 'toolu_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
              { id: 'toolu_2', type: 'function', function: { name: 'time', arguments: '' } },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', content: 'a cat' },
          { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'noon' }] },
          { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
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
              name: 'look',
              description: 'Looks',
              parameters: { type: 'object', properties: { x: { type: 'number' } } },
            },
          },
          { type: 'function', function: { name: 'time' } },
        ],
        toolChoice: { type: 'function', function: { name: 'look' } },
        parallelToolCalls: false,
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true },
        },
        user: 'u-1',
        providerOptions: {
          anthropic: { service_tier: 'auto' },
          claude: { inference_geo: 'us' },
          openai: { ignored: true },
        },
      }),
      call,
    );
    const recorded = fx.sim().requests[0];
    expect(recorded?.url).toBe('/v1/messages');
    expect(recorded?.headers['x-api-key']).toBe(KEY);
    expect(recorded?.headers['anthropic-version']).toBe('2023-06-01');
    expect(recorded?.headers['content-type']).toBe('application/json');
    expect(recorded?.headers['user-agent']).toMatch(/^flexiai\//);
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(recorded?.body).toEqual({
      model: MODEL,
      system: 'Be brief.\n\nAnswer in French.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'aGVsbG8=' },
            },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 'toolu_1', name: 'look', input: { x: 1 } },
            { type: 'tool_use', id: 'toolu_2', name: 'time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a cat' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [{ type: 'text', text: 'noon' }],
            },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      tools: [
        {
          name: 'look',
          description: 'Looks',
          input_schema: { type: 'object', properties: { x: { type: 'number' } } },
        },
        { name: 'time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'tool', name: 'look', disable_parallel_tool_use: true },
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      metadata: { user_id: 'u-1' },
      service_tier: 'auto',
      inference_geo: 'us',
    });
  });

  it('always sends max_tokens (defaultMaxTokens), clamps temperature to 1 and lists a single stop', async () => {
    await fx.provider().chat(request({ temperature: 1.5, stop: 'END' }), call);
    expect(sent()).toEqual({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 4096,
      temperature: 1,
      stop_sequences: ['END'],
    });
  });

  it('merges consecutive same-role turns, leads with tool results and drops empty text', async () => {
    await fx.provider().chat(
      request({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: ' ' } }],
          },
          { role: 'user', content: 'before the result' },
          { role: 'tool', toolCallId: 't1', content: 'done' },
          { role: 'assistant', content: 'ok' },
        ],
      }),
      call,
    );
    expect(sent().messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: 'done' },
          { type: 'text', text: 'before the result' },
        ],
      },
      { role: 'assistant', content: 'ok' },
    ]);
  });

  const tools = [{ type: 'function' as const, function: { name: 'f' } }];
  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['required', undefined, { type: 'any' }],
    ['none', undefined, { type: 'none' }],
    ['none', false, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, true, undefined],
    [undefined, undefined, undefined],
  ] as const)('maps toolChoice %s with parallelToolCalls %s', async (choice, parallel, wire) => {
    await fx.provider().chat(
      request({
        tools,
        ...(choice === undefined ? {} : { toolChoice: choice }),
        ...(parallel === undefined ? {} : { parallelToolCalls: parallel }),
      }),
      call,
    );
    expect(sent().tool_choice).toEqual(wire);
  });

  it('sends no tool_choice without tools', async () => {
    await fx.provider().chat(request({ toolChoice: 'none', parallelToolCalls: false }), call);
    expect(sent()).not.toHaveProperty('tool_choice');
    expect(sent()).not.toHaveProperty('tools');
  });

  it('asks for a JSON object through a system instruction (Anthropic has no schemaless JSON mode)', async () => {
    await fx.provider().chat(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        responseFormat: { type: 'json_object' },
      }),
      call,
    );
    expect(sent().system).toBe(`Be brief.\n\n${JSON_OBJECT_INSTRUCTION}`);
    expect(sent()).not.toHaveProperty('output_config');
    await fx.provider().chat(request({ responseFormat: { type: 'text' } }), call);
    expect(fx.sim().requests[1]?.body).not.toHaveProperty('system');
  });

  it('drops temperature, top_p and top_k for API version 2026-10-21, which refuses them', async () => {
    const newer = new AnthropicProvider(
      anthropicConfig({ baseURL: fx.sim().baseURL, anthropicVersion: '2026-10-21' }),
      { clock: systemClock, logger: silentLogger },
    );
    await newer.chat(request({ temperature: 0.3, topP: 0.5, topK: 3, maxTokens: 9 }), call);
    expect(fx.sim().requests[0]?.headers['anthropic-version']).toBe('2026-10-21');
    expect(sent()).toEqual({
      model: MODEL,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 9,
    });
    await newer.close();
  });
});
