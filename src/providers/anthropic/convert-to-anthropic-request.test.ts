import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../provider.js';
import {
  convertToAnthropicRequest,
  JSON_OBJECT_INSTRUCTION,
  SAMPLING_REMOVED_IN_VERSION,
} from './convert-to-anthropic-request.js';

/**
 * The Anthropic body built from a unified request, as a unit: the thinking budget rules (at least
 * 1024, below max_tokens, never with a forced tool, never continuing a tool turn made without
 * thinking), what thinking excludes, the API version that removed sampling parameters, tools,
 * tool choice, response formats and the system prompt.
 */

const OPTIONS = { defaultMaxTokens: 4_096, anthropicVersion: '2023-06-01' };
const ask = (extra: Partial<ProviderRequest> = {}): ProviderRequest =>
  ({ model: 'claude-x', messages: [{ role: 'user', content: 'hi' }], ...extra }) as ProviderRequest;
const convert = (extra: Partial<ProviderRequest> = {}, options = OPTIONS) =>
  convertToAnthropicRequest(ask(extra), options);

describe('convertToAnthropicRequest: thinking', () => {
  it('an effort becomes its budget; without max_tokens room is made for the budget and the answer', () => {
    const { body, droppedParams } = convert({ reasoning: { effort: 'low' } });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2_048 });
    expect(body.max_tokens).toBe(4_096 + 2_048);
    expect(droppedParams).toEqual([]);
  });

  it('a budget below 1024 is raised to 1024; a budget alone defaults nothing else', () => {
    expect(convert({ reasoning: { budgetTokens: 100 } }).body.thinking).toEqual({
      type: 'enabled',
      budget_tokens: 1_024,
    });
  });

  it('with max_tokens the budget stays below it; too little room drops thinking', () => {
    const fits = convert({ maxTokens: 3_000, reasoning: { effort: 'high' } });
    expect(fits.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2_999 });
    expect(fits.body.max_tokens).toBe(3_000);
    const tight = convert({ maxTokens: 1_000, reasoning: { effort: 'minimal' } });
    expect(tight.body.thinking).toBeUndefined();
    expect(tight.droppedParams).toContain('reasoning');
  });

  it('effort none or a zero budget turns thinking off; that is not a drop', () => {
    for (const reasoning of [{ effort: 'none' as const }, { budgetTokens: 0 }]) {
      const { body, droppedParams } = convert({ reasoning });
      expect(body.thinking).toBeUndefined();
      expect(droppedParams).toEqual([]);
    }
  });

  it('a forced tool choice and thinking cannot go together: thinking is dropped', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    for (const toolChoice of [
      'required' as const,
      { type: 'function' as const, function: { name: 'f' } },
    ]) {
      const { body, droppedParams } = convert({ tools, toolChoice, reasoning: { effort: 'low' } });
      expect(body.thinking).toBeUndefined();
      expect(droppedParams).toContain('reasoning');
    }
  });

  it('continuing a tool turn that began without thinking drops thinking; one that began with it keeps it', () => {
    const call = { id: 't1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
    const conversation = (reasoning?: { type: 'thinking'; text: string; signature: string }[]) =>
      ask({
        reasoning: { effort: 'low' },
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [call],
            ...(reasoning ? { reasoning } : {}),
          },
          { role: 'tool', toolCallId: 't1', content: 'done' },
        ],
      });
    const unthought = convertToAnthropicRequest(conversation(), OPTIONS);
    expect(unthought.body.thinking).toBeUndefined();
    expect(unthought.droppedParams).toContain('reasoning');
    const thought = convertToAnthropicRequest(
      conversation([{ type: 'thinking', text: 'plan', signature: 'sig' }]),
      OPTIONS,
    );
    expect(thought.body.thinking).toEqual({ type: 'enabled', budget_tokens: 2_048 });
    // A plain text turn before is no tool turn at all.
    const plain = convert({
      reasoning: { effort: 'low' },
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(plain.body.thinking).toBeDefined();
  });

  it('with thinking on, temperature and top_k are dropped, top_p kept only from 0.95', () => {
    const low = convert({ reasoning: { effort: 'low' }, temperature: 0.5, topK: 5, topP: 0.5 });
    expect(low.body).not.toHaveProperty('temperature');
    expect(low.body).not.toHaveProperty('top_k');
    expect(low.body).not.toHaveProperty('top_p');
    expect(low.droppedParams).toEqual(['temperature', 'topK', 'topP']);
    const high = convert({ reasoning: { effort: 'low' }, topP: 0.97 });
    expect(high.body.top_p).toBe(0.97);
    expect(high.droppedParams).toEqual([]);
  });
});

describe('convertToAnthropicRequest: sampling and the API version', () => {
  it('temperature above 1 is clamped to 1 and said so; top_p and top_k are sent', () => {
    const { body, adjustments } = convert({ temperature: 1.6, topP: 0.9, topK: 40 });
    expect(body).toMatchObject({ temperature: 1, top_p: 0.9, top_k: 40 });
    expect(adjustments).toEqual(['temperature clamped to 1']);
  });

  it(`from API version ${SAMPLING_REMOVED_IN_VERSION} sampling parameters are dropped, each named`, () => {
    const { body, droppedParams, adjustments } = convert(
      { temperature: 0.2, topP: 0.9, topK: 3 },
      { ...OPTIONS, anthropicVersion: SAMPLING_REMOVED_IN_VERSION },
    );
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('top_k');
    expect(droppedParams).toEqual(['temperature', 'topP', 'topK']);
    expect(adjustments).toHaveLength(3);
    expect(
      convert({}, { ...OPTIONS, anthropicVersion: SAMPLING_REMOVED_IN_VERSION }).droppedParams,
    ).toEqual([]);
  });
});

describe('convertToAnthropicRequest: tools, formats, system, the rest', () => {
  it('tools get an object schema; strict is kept; tool choice in its Anthropic form', () => {
    const tools = [
      { type: 'function' as const, function: { name: 'a', description: 'does a', strict: true } },
      {
        type: 'function' as const,
        function: { name: 'b', parameters: { properties: { x: { type: 'string' } } } },
      },
    ];
    const { body } = convert({ tools });
    expect(body.tools).toEqual([
      {
        name: 'a',
        description: 'does a',
        input_schema: { type: 'object', properties: {} },
        strict: true,
      },
      { name: 'b', input_schema: { type: 'object', properties: { x: { type: 'string' } } } },
    ]);
    expect(body).not.toHaveProperty('tool_choice');
    const choice = (extra: Partial<ProviderRequest>) =>
      convert({ tools, ...extra }).body.tool_choice;
    expect(choice({ toolChoice: 'none' })).toEqual({ type: 'none' });
    expect(choice({ toolChoice: 'auto' })).toEqual({ type: 'auto' });
    expect(choice({ toolChoice: 'required' })).toEqual({ type: 'any' });
    expect(choice({ toolChoice: { type: 'function', function: { name: 'b' } } })).toEqual({
      type: 'tool',
      name: 'b',
    });
    expect(choice({ parallelToolCalls: false })).toEqual({
      type: 'auto',
      disable_parallel_tool_use: true,
    });
  });

  it('json_schema goes to output_config; json_object becomes a system instruction', () => {
    const schema = { type: 'object', properties: {} };
    expect(
      convert({ responseFormat: { type: 'json_schema', jsonSchema: { name: 'r', schema } } }).body
        .output_config,
    ).toEqual({ format: { type: 'json_schema', schema } });
    const json = convert({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'hi' },
      ],
      responseFormat: { type: 'json_object' },
    });
    expect(json.body.system).toBe(`Be terse.\n\n${JSON_OBJECT_INSTRUCTION}`);
  });

  it('a system prompt with cache marks is sent as blocks, keeping the marks', () => {
    const { body } = convert({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'long rules', cacheControl: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'long rules', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('stop sequences as a list, the user as metadata, max_tokens defaulted', () => {
    const { body } = convert({ stop: 'END', user: 'u-1' });
    expect(body).toMatchObject({
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      max_tokens: 4_096,
    });
    expect(convert({ stop: ['a', 'b'] }).body.stop_sequences).toEqual(['a', 'b']);
    expect(convert()).toMatchObject({ body: { max_tokens: 4_096 } });
    expect(convert().body).not.toHaveProperty('system');
  });
});
