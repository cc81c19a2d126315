import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import type { ReasoningBlock } from '../types/reasoning.js';
import { convertFromResponsesRequest } from './convert-from-responses-request.js';
import { encodeReasoning } from './encrypted-reasoning.js';
import { openAIResponsesRequestSchema } from './openai-responses-request-schema.js';

/** A body as the /v1/responses route sees it: parsed by the wire schema first. */
const convert = (body: Record<string, unknown>) =>
  convertFromResponsesRequest(openAIResponsesRequestSchema.parse(body));

/** The ValidationError a conversion throws, by the field it names. */
function refusedPath(body: Record<string, unknown>): string {
  try {
    convert(body);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).path;
  }
  throw new Error('expected a ValidationError');
}

const THINKING: ReasoningBlock[] = [{ type: 'thinking', text: 'hmm', signature: 'sig' }];

describe('convertFromResponsesRequest: what a stateless gateway refuses', () => {
  it.each([
    ['previous_response_id', { previous_response_id: 'resp_1' }],
    ['conversation', { conversation: { id: 'conv_1' } }],
    ['background', { background: true }],
    ['prompt', { prompt: { id: 'pmpt_1' } }],
  ])('%s: a 400 naming it', (field, extra) => {
    expect(refusedPath({ input: 'hi', ...extra })).toBe(field);
  });

  it('null stateful fields are accepted (clients send them empty)', () => {
    expect(() =>
      convert({ input: 'hi', previous_response_id: null, conversation: null, prompt: null }),
    ).not.toThrow();
  });

  it('a request without input', () => {
    expect(refusedPath({ instructions: 'be brief' })).toBe('input');
  });

  it('item references, image file ids, file URLs and non-text tool outputs, by item path', () => {
    expect(refusedPath({ input: [{ type: 'item_reference', id: 'msg_1' }] })).toBe('input.0');
    expect(
      refusedPath({
        input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }],
      }),
    ).toBe('input.0.content.0.image_url');
    expect(
      refusedPath({
        input: [
          { role: 'user', content: 'see' },
          {
            role: 'user',
            content: [{ type: 'input_file', file_url: 'https://example.com/a.pdf' }],
          },
        ],
      }),
    ).toBe('input.1.content.0.file_url');
    expect(
      refusedPath({
        input: [
          {
            type: 'function_call_output',
            call_id: 'c1',
            output: [{ type: 'input_image', image_url: 'https://example.com/x.png' }],
          },
        ],
      }),
    ).toBe('input.0.output.0');
  });

  it('images in assistant or system turns: only text is allowed there', () => {
    const image = { type: 'input_image', image_url: 'https://example.com/x.png' };
    expect(refusedPath({ input: [{ role: 'assistant', content: [image] }] })).toBe(
      'input.0.content.0',
    );
    expect(
      refusedPath({
        input: [{ role: 'developer', content: [{ type: 'input_text', text: 'a' }, image] }],
      }),
    ).toBe('input.0.content.1');
  });

  it('tools that are not function tools, or malformed function tools', () => {
    expect(refusedPath({ input: 'hi', tools: [{ type: 'web_search' }] })).toBe('tools.0');
    expect(
      refusedPath({
        input: 'hi',
        tools: [
          { type: 'function', name: 'ok' },
          { type: 'function', name: 'bad', extra: 1 },
        ],
      }),
    ).toBe('tools.1');
  });
});

describe('convertFromResponsesRequest: input items as unified messages', () => {
  it('instructions then a string input', () => {
    expect(convert({ instructions: 'be brief', input: 'hi' }).messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('content parts: text (with cache_control), output text, refusals, images, PDF files', () => {
    const request = convert({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'a', cache_control: { type: 'ephemeral' } },
            { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/', detail: 'high' },
            { type: 'input_image', image_url: 'https://example.com/x.png' },
            {
              type: 'input_file',
              file_data: 'data:application/pdf;base64,JVBERi0',
              filename: 'a.pdf',
            },
          ],
        },
        {
          type: 'message',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'sure', annotations: [] },
            { type: 'refusal', refusal: 'not that' },
          ],
        },
        { role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
        { role: 'developer', content: 'dev' },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a', cacheControl: { type: 'ephemeral' } },
          { type: 'image', data: '/9j/', mediaType: 'image/jpeg', detail: 'high' },
          { type: 'image', url: 'https://example.com/x.png' },
          { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0', filename: 'a.pdf' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'sure' },
          { type: 'text', text: 'not that' },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'sys' }] },
      { role: 'system', content: 'dev' },
    ]);
  });

  it('an assistant message and its function calls make one turn; outputs follow as tool messages', () => {
    const request = convert({
      input: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: 'checking' },
        { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"A"}' },
        { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"B"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [{ type: 'input_text', text: 'rain' }],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: 'checking',
        toolCalls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"A"}' } },
          { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"B"}' } },
        ],
      },
      { role: 'tool', toolCallId: 'c1', content: 'sunny' },
      { role: 'tool', toolCallId: 'c2', content: [{ type: 'text', text: 'rain' }] },
    ]);
  });

  it('an assistant message after function calls starts a new turn', () => {
    const request = convert({
      input: [
        { role: 'user', content: 'q' },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { role: 'assistant', content: 'then this' },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'assistant', content: 'then this' },
    ]);
  });

  it("reasoning items we encoded go back to the next assistant turn; others' are ignored", () => {
    const request = convert({
      input: [
        { role: 'user', content: 'q' },
        { type: 'reasoning', summary: [], encrypted_content: encodeReasoning(THINKING) },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'x' },
        // OpenAI's own encrypted reasoning (opaque to us) and a corrupt one of ours.
        { type: 'reasoning', encrypted_content: 'gAAAAAB-openai-blob' },
        { type: 'reasoning', encrypted_content: 'flexiai.r1.not-base64-json' },
        // Ours in form, but not reasoning blocks inside.
        {
          type: 'reasoning',
          encrypted_content: `flexiai.r1.${Buffer.from('[]').toString('base64url')}`,
        },
        { type: 'reasoning', encrypted_content: null },
        { role: 'assistant', content: 'answer' },
      ],
    });
    expect(request.messages[1]).toMatchObject({ role: 'assistant', reasoning: THINKING });
    expect(request.messages[3]).toEqual({ role: 'assistant', content: 'answer' });
  });
});

describe('convertFromResponsesRequest: parameters', () => {
  it('maps every Responses parameter to its unified field', () => {
    const request = convert({
      model: 'm',
      input: 'hi',
      temperature: 0.2,
      top_p: 0.8,
      max_output_tokens: 50,
      tools: [
        {
          type: 'function',
          name: 'f',
          description: 'does f',
          parameters: { type: 'object' },
          strict: false,
        },
        { type: 'function', name: 'g', description: null, parameters: null, strict: null },
      ],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: true,
      text: {
        format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true },
        verbosity: 'low',
      },
      reasoning: { effort: 'high' },
      user: 'u',
      metadata: { a: 'b' },
      safety_identifier: 's',
      prompt_cache_key: 'k',
      service_tier: 'flex',
      provider_options: { openai: { x: 1 } },
    });
    expect(request).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      model: 'm',
      temperature: 0.2,
      topP: 0.8,
      maxTokens: 50,
      tools: [
        {
          type: 'function',
          function: {
            name: 'f',
            description: 'does f',
            parameters: { type: 'object' },
            strict: false,
          },
        },
        { type: 'function', function: { name: 'g' } },
      ],
      toolChoice: { type: 'function', function: { name: 'f' } },
      parallelToolCalls: true,
      responseFormat: {
        type: 'json_schema',
        jsonSchema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
      verbosity: 'low',
      reasoning: { effort: 'high' },
      user: 'u',
      metadata: { a: 'b' },
      safetyIdentifier: 's',
      promptCacheKey: 'k',
      serviceTier: 'flex',
      providerOptions: { openai: { x: 1 } },
    });
  });

  it('string tool_choice, json_object and described schemas; empty tools and nulls are absent', () => {
    expect(
      convert({
        input: 'hi',
        tools: [],
        tool_choice: 'none',
        text: { format: { type: 'json_object' } },
      }),
    ).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      toolChoice: 'none',
      responseFormat: { type: 'json_object' },
    });
    expect(
      convert({
        input: 'hi',
        text: {
          format: { type: 'json_schema', name: 'o', schema: {}, description: 'd', strict: null },
        },
      }).responseFormat,
    ).toEqual({ type: 'json_schema', jsonSchema: { name: 'o', schema: {}, description: 'd' } });
    expect(
      Object.keys(
        convert({
          input: 'hi',
          temperature: null,
          tool_choice: null,
          text: null,
          reasoning: { effort: null },
          metadata: null,
        }),
      ),
    ).toEqual(['messages']);
  });
});
