import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import { convertFilePart, convertFromOpenAIRequest } from './convert-from-openai-request.js';
import { openAIChatRequestSchema } from './openai-chat-request-schema.js';

/** A body as the gateway route sees it: parsed by the wire schema first. */
const convert = (body: Record<string, unknown>) =>
  convertFromOpenAIRequest(openAIChatRequestSchema.parse(body));

const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

/** The ValidationError a conversion throws (fails the test when it does not throw one). */
function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('convertFromOpenAIRequest: messages', () => {
  it('system and developer become system, keeping names and text parts with cache_control', () => {
    const request = convert({
      messages: [
        { role: 'system', content: 'be brief', name: 'ops' },
        {
          role: 'developer',
          content: [{ type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'hi', name: 'ann' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: 'be brief', name: 'ops' },
      {
        role: 'system',
        content: [{ type: 'text', text: 'rules', cacheControl: { type: 'ephemeral' } }],
      },
      { role: 'user', content: 'hi', name: 'ann' },
    ]);
  });

  it('assistant turns: missing or null content is null; tool calls kept; an empty list dropped', () => {
    const call = { id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const request = convert({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', tool_calls: [call], name: 'bot' },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '42' }] },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, name: 'bot', toolCalls: [call] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: '42' }] },
      { role: 'assistant', content: null },
      { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
    ]);
  });

  it('images: a base64 data URL becomes inline data with its media type, another URL stays a URL', () => {
    const request = convert(
      user([
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K', detail: 'low' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        // Not one of the image types a data URL may carry: passed on as a URL.
        { type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } },
      ]),
    );
    expect(request.messages[0]?.content).toEqual([
      { type: 'image', data: 'iVBORw0K', mediaType: 'image/png', detail: 'low' },
      { type: 'image', url: 'https://example.com/cat.jpg' },
      { type: 'image', url: 'data:image/tiff;base64,AAAA' },
    ]);
  });

  it('files: a PDF data URL or a file id, with the filename', () => {
    const request = convert(
      user([
        {
          type: 'file',
          file: { file_data: 'data:application/pdf;base64,JVBERi0', filename: 'a.pdf' },
        },
        { type: 'file', file: { file_id: 'file-123' } },
      ]),
    );
    expect(request.messages[0]?.content).toEqual([
      { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0', filename: 'a.pdf' },
      { type: 'file', fileId: 'file-123' },
    ]);
  });

  it('files: refuses both or neither of file_data and file_id, naming the part', () => {
    const both = refusal(() =>
      convert(
        user([
          { type: 'text', text: 'see' },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,AA', file_id: 'f' } },
        ]),
      ),
    );
    expect(both.path).toBe('messages.0.content.1.file');
    const neither = refusal(() => convert(user([{ type: 'file', file: { filename: 'x.pdf' } }])));
    expect(neither.path).toBe('messages.0.content.0.file');
    expect(neither.message).toContain('exactly one of file_data and file_id');
  });

  it('files: refuses file_data that is not a base64 data URL, or not a PDF', () => {
    const notDataUrl = refusal(() =>
      convert(user([{ type: 'file', file: { file_data: 'JVBERi0xLjQ=' } }])),
    );
    expect(notDataUrl.path).toBe('messages.0.content.0.file.file_data');
    const notPdf = refusal(() =>
      convertFilePart({ file_data: 'data:text/plain;base64,aGk=' }, 'input.0.content.0'),
    );
    expect(notPdf.path).toBe('input.0.content.0.file_data');
    expect(notPdf.message).toContain('not text/plain');
  });
});

describe('convertFromOpenAIRequest: parameters', () => {
  it('every sampling field in its unified name; null means absent', () => {
    const request = convert({
      ...user('hi'),
      model: 'm',
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 100,
      stop: ['END'],
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      user: 'u-1',
      metadata: { team: 'x' },
      provider_options: { anthropic: { top_k: 3 } },
      reasoning_effort: 'low',
      logit_bias: { '50256': -100 },
      service_tier: 'flex',
      prompt_cache_key: 'k',
      safety_identifier: 's',
      verbosity: 'high',
      parallel_tool_calls: false,
      tool_choice: 'required',
    });
    expect(request).toMatchObject({
      model: 'm',
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxTokens: 100,
      stop: ['END'],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      user: 'u-1',
      metadata: { team: 'x' },
      providerOptions: { anthropic: { top_k: 3 } },
      reasoning: { effort: 'low' },
      logitBias: { '50256': -100 },
      serviceTier: 'flex',
      promptCacheKey: 'k',
      safetyIdentifier: 's',
      verbosity: 'high',
      parallelToolCalls: false,
      toolChoice: 'required',
    });
    const nulls = convert({
      ...user('hi'),
      temperature: null,
      top_p: null,
      max_tokens: null,
      stop: null,
      seed: null,
      reasoning_effort: null,
      logit_bias: null,
      verbosity: null,
      metadata: null,
    });
    expect(Object.keys(nulls)).toEqual(['messages']);
  });

  it('max_completion_tokens wins over max_tokens', () => {
    expect(convert({ ...user('hi'), max_tokens: 10, max_completion_tokens: 20 }).maxTokens).toBe(
      20,
    );
  });

  it('tools keep only the fields given; strict null is absent', () => {
    const request = convert({
      ...user('hi'),
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'find',
            parameters: { type: 'object' },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'bare', strict: null } },
      ],
    });
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'find',
          parameters: { type: 'object' },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'bare' } },
    ]);
  });

  it('response_format: json_schema (an absent schema is an empty one), json_object, text', () => {
    expect(
      convert({
        ...user('hi'),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'r', description: 'd', strict: true },
        },
      }).responseFormat,
    ).toEqual({
      type: 'json_schema',
      jsonSchema: { name: 'r', schema: {}, description: 'd', strict: true },
    });
    expect(
      convert({
        ...user('hi'),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'r', schema: { type: 'object' }, strict: null },
        },
      }).responseFormat,
    ).toEqual({ type: 'json_schema', jsonSchema: { name: 'r', schema: { type: 'object' } } });
    expect(
      convert({ ...user('hi'), response_format: { type: 'json_object' } }).responseFormat,
    ).toEqual({ type: 'json_object' });
    expect(convert({ ...user('hi'), response_format: { type: 'text' } }).responseFormat).toEqual({
      type: 'text',
    });
  });
});
