import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import { parseChatRequest } from './parse-chat-request.js';

const issues = (input: unknown): string[] => {
  try {
    parseChatRequest(input);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ValidationError');
};

describe('parseChatRequest (B2)', () => {
  it('accepts a full request', () => {
    const parsed = parseChatRequest({
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image', url: 'https://x/y.png' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', toolCallId: 'c1', content: 'done' },
      ],
      tools: [{ type: 'function', function: { name: 'f' } }],
      toolChoice: 'required',
      temperature: 0,
      signal: new AbortController().signal,
    });
    expect(parsed.messages).toHaveLength(4);
  });

  it.each([
    ['not an object', 'hello', ': the request must be an object'],
    ['empty messages', { messages: [] }, 'messages: must contain at least one message'],
    ['missing role', { messages: [{ content: 'x' }] }, 'messages.0.role'],
    ['unknown role', { messages: [{ role: 'robot', content: 'x' }] }, 'messages.0.role'],
    [
      'unknown field',
      { messages: [{ role: 'user', content: 'x' }], temprature: 1 },
      'Unrecognized key: "temprature"',
    ],
    [
      'temperature out of range',
      { messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      'temperature',
    ],
    [
      'empty assistant',
      { messages: [{ role: 'assistant', content: null }] },
      'messages.0.content: an assistant message needs content or toolCalls',
    ],
    [
      'tool call without id',
      {
        messages: [
          {
            role: 'assistant',
            toolCalls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      },
      'messages.0.toolCalls.0.id',
    ],
    [
      'orphan tool result',
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', toolCallId: 'nope', content: 'r' },
        ],
      },
      'messages.1.toolCallId: answers no tool call of an earlier assistant message',
    ],
    [
      'tool choice without tools',
      { messages: [{ role: 'user', content: 'x' }], toolChoice: 'required' },
      'toolChoice: needs tools',
    ],
    [
      'named tool not in tools',
      {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f' } }],
        toolChoice: { type: 'function', function: { name: 'g' } },
      },
      'toolChoice.function.name',
    ],
    [
      'duplicate tool',
      {
        messages: [{ role: 'user', content: 'x' }],
        tools: [
          { type: 'function', function: { name: 'f' } },
          { type: 'function', function: { name: 'f' } },
        ],
      },
      'tools.1.function.name: duplicate tool name "f"',
    ],
    [
      'bad image',
      { messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] },
      'messages.0.content',
    ],
    [
      'bad signal',
      { messages: [{ role: 'user', content: 'x' }], signal: {} },
      'signal: must be an AbortSignal',
    ],
  ])('%s', (_name, input, expected) => {
    expect(issues(input).join('\n')).toContain(expected);
  });
});
