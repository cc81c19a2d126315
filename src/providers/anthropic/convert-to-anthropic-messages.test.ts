import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors/validation-error.js';
import type { ChatMessage } from '../../types/message.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

/**
 * The unified conversation as Anthropic messages, as a unit: what Anthropic cannot take is
 * refused naming the field (before any call), thinking blocks go back as they came, empty turns
 * vanish, same-role turns merge, and tool results lead their user turn.
 */

function refusal(messages: ChatMessage[]): ValidationError {
  try {
    convertToAnthropicMessages(messages);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('convertToAnthropicMessages', () => {
  it('PDFs go as base64 documents with their title; an OpenAI file id is refused naming it', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'file', mediaType: 'application/pdf', data: ' JVBE \n', filename: 'a.pdf' },
          { type: 'file', mediaType: 'application/pdf', data: 'JVBF' },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' },
        title: 'a.pdf',
      },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBF' } },
    ]);
    expect(
      refusal([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'x' },
            { type: 'file', fileId: 'f-1' },
          ],
        },
      ]).path,
    ).toBe('messages.0.content.1.fileId');
  });

  it('image data URLs must be base64 PNG, JPEG, GIF or WebP; other URLs go by URL', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'image', url: 'data:image/PNG;base64,iVBO' },
          { type: 'image', url: 'https://example.com/x.jpg' },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/x.jpg' } },
    ]);
    expect(
      refusal([{ role: 'user', content: [{ type: 'image', url: 'data:image/tiff;base64,AA' }] }])
        .path,
    ).toBe('messages.0.content.0.url');
  });

  it('thinking blocks lead the assistant turn; unsigned thinking cannot be sent; redacted goes as is', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'q' },
      {
        role: 'assistant',
        content: 'a',
        reasoning: [
          { type: 'thinking', text: 'signed', signature: 'sig' },
          { type: 'thinking', text: 'unsigned' },
          { type: 'redacted-thinking', data: 'opaque' },
        ],
      },
    ]);
    expect(messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'signed', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'a' },
    ]);
  });

  it('tool arguments must be a JSON object; empty arguments are none', () => {
    const call = (args: string) => ({
      id: 't',
      type: 'function' as const,
      function: { name: 'f', arguments: args },
    });
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, toolCalls: [call('  ')] },
    ]);
    expect(messages[1]?.content).toEqual([{ type: 'tool_use', id: 't', name: 'f', input: {} }]);
    for (const args of ['[1]', 'null', '{oops', '"text"']) {
      const error = refusal([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, toolCalls: [call(args)] },
      ]);
      expect(error.path).toBe('messages.1.toolCalls.0.function.arguments');
    }
  });

  it('system messages anywhere are lifted; with cache marks they stay blocks', () => {
    const plain = convertToAnthropicMessages([
      { role: 'system', content: 'one' },
      { role: 'user', content: 'q' },
      { role: 'system', content: [{ type: 'text', text: 'two' }] },
      { role: 'system', content: '' },
    ]);
    expect(plain.system).toBe('one\n\ntwo');
    const cached = convertToAnthropicMessages([
      {
        role: 'system',
        content: [{ type: 'text', text: 'rules', cacheControl: { type: 'ephemeral' } }],
      },
      { role: 'system', content: 'more' },
      { role: 'user', content: 'q' },
    ]);
    expect(cached.system).toEqual([
      { type: 'text', text: 'rules', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'more' },
    ]);
    expect(convertToAnthropicMessages([{ role: 'user', content: 'q' }]).system).toBeUndefined();
  });

  it('empty turns vanish, same-role turns merge, tool results lead the user turn', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'user', content: 'also this' },
      { role: 'tool', toolCallId: 't1', content: [{ type: 'text', text: 'result' }] },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'result' }] },
          { type: 'text', text: 'also this' },
        ],
      },
    ]);
  });

  it('a conversation with nothing to send is refused', () => {
    expect(
      refusal([
        { role: 'system', content: 'only a system prompt' },
        { role: 'user', content: '' },
      ]).path,
    ).toBe('messages');
  });
});
