import type { FieldIssue } from '../../errors/configuration-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import {
  imageMediaTypeSchema,
  type CacheControl,
  type ContentPart,
  type TextPart,
} from '../../types/content-part.js';
import type { ChatMessage } from '../../types/message.js';
import type { ReasoningBlock } from '../../types/reasoning.js';

export type AnthropicCacheControl = { type: 'ephemeral'; ttl?: '5m' | '1h' };
export type AnthropicTextBlock = {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControl;
};
export type AnthropicDocumentBlock = {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string };
  title?: string;
};
export type AnthropicThinkingBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };
export type AnthropicImageBlock = {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
};
export type AnthropicToolUseBlock = {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
};
export type AnthropicToolResultBlock = {
  type: 'tool_result';
  tool_use_id: string;
  content: string | AnthropicTextBlock[];
};
export type AnthropicBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock;

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

export interface ConvertedMessages {
  /**
   * System messages, lifted out of the conversation and joined in order with a blank line; as
   * text blocks instead when a part carries cacheControl (which a joined string would lose).
   */
  system: string | AnthropicTextBlock[] | undefined;
  messages: AnthropicMessageParam[];
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/is;

function textOf(content: string | readonly { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function convertImageUrl(url: string, path: string): AnthropicImageBlock {
  if (!/^data:/i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const match = DATA_URL.exec(url);
  const mediaType = imageMediaTypeSchema.safeParse(match?.[1]?.toLowerCase());
  if (!match || !mediaType.success) {
    throw new ValidationError([
      {
        path,
        message:
          'Anthropic takes data: URLs only as base64 PNG, JPEG, GIF or WebP (data:image/png;base64,...)',
      },
    ]);
  }
  return {
    type: 'image',
    source: { type: 'base64', media_type: mediaType.data, data: (match[2] ?? '').trim() },
  };
}

const cacheControl = (control: CacheControl | undefined) =>
  control === undefined ? {} : { cache_control: { ...control } };

const textBlock = (part: TextPart): AnthropicTextBlock => ({
  type: 'text',
  text: part.text,
  ...cacheControl(part.cacheControl),
});

/** Text parts as blocks (their cacheControl kept), a plain string as one block. */
const textBlocks = (content: string | readonly TextPart[]): AnthropicTextBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content.map(textBlock);

function convertPart(part: ContentPart, path: string): AnthropicBlock {
  if (part.type === 'text') return textBlock(part);
  if (part.type === 'file') {
    if ('fileId' in part) {
      throw new ValidationError([
        {
          path: `${path}.fileId`,
          message: 'Anthropic cannot read OpenAI file ids; send the PDF as base64 data instead',
        },
      ]);
    }
    return {
      type: 'document',
      source: { type: 'base64', media_type: part.mediaType, data: part.data.trim() },
      ...(part.filename ? { title: part.filename } : {}),
    };
  }
  if ('url' in part) return convertImageUrl(part.url, `${path}.url`);
  return {
    type: 'image',
    source: { type: 'base64', media_type: part.mediaType, data: part.data },
  };
}

/**
 * Tool-call arguments as Anthropic's `input` object. Empty arguments mean "no arguments" (`{}`);
 * anything that is not a JSON object cannot be expressed and is refused before the call.
 */
function parseArguments(args: string, path: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(args);
  } catch {
    value = undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const issue: FieldIssue = {
      path,
      message: 'must be a JSON object: Anthropic takes tool-call arguments only as an object',
    };
    throw new ValidationError([issue]);
  }
  return value as Record<string, unknown>;
}

function toTurn(message: ChatMessage, i: number): AnthropicMessageParam | undefined {
  switch (message.role) {
    case 'system':
      return undefined;
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map((part, j) => convertPart(part, `messages.${i}.content.${j}`)),
      };
    case 'assistant': {
      // Thinking blocks lead the turn, as Anthropic returned them; unsigned ones cannot be sent.
      const blocks: AnthropicBlock[] = (message.reasoning ?? []).flatMap(thinkingBlock);
      if (message.content !== null && message.content !== undefined) {
        blocks.push(...textBlocks(message.content));
      }
      message.toolCalls?.forEach((call, j) => {
        const path = `messages.${i}.toolCalls.${j}.function.arguments`;
        blocks.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseArguments(call.function.arguments, path),
        });
      });
      return { role: 'assistant', content: blocks };
    }
    case 'tool':
      return {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content:
              typeof message.content === 'string' ? message.content : textBlocks(message.content),
          },
        ],
      };
  }
}

const blocksOf = (turn: AnthropicMessageParam): AnthropicBlock[] =>
  typeof turn.content === 'string' ? [{ type: 'text', text: turn.content }] : turn.content;

function thinkingBlock(block: ReasoningBlock): AnthropicThinkingBlock[] {
  if (block.type === 'redacted-thinking') return [{ type: 'redacted_thinking', data: block.data }];
  return block.signature === undefined
    ? []
    : [{ type: 'thinking', thinking: block.text, signature: block.signature }];
}

/** A turn of one plain text block goes as a string; tool results lead a user turn, as Anthropic requires. */
function finish(turn: AnthropicMessageParam): AnthropicMessageParam {
  const blocks = blocksOf(turn);
  const only = blocks[0];
  if (blocks.length === 1 && only?.type === 'text' && only.cache_control === undefined)
    return { role: turn.role, content: only.text };
  if (turn.role === 'user') {
    const results = blocks.filter((b) => b.type === 'tool_result');
    if (results.length && results.length < blocks.length) {
      return {
        role: 'user',
        content: [...results, ...blocks.filter((b) => b.type !== 'tool_result')],
      };
    }
  }
  return { role: turn.role, content: blocks };
}

/**
 * The unified conversation as Anthropic messages: system messages lifted into `system`, tool
 * results as user-role `tool_result` blocks, assistant tool calls as `tool_use` blocks, empty text
 * blocks dropped (Anthropic refuses them), and consecutive same-role turns merged so roles alternate.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): ConvertedMessages {
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessageParam[] = [];
  messages.forEach((message, i) => {
    if (message.role === 'system') {
      const blocks = textBlocks(message.content);
      // Without cacheControl a message's parts join into one text, as before.
      if (blocks.some((b) => b.cache_control)) system.push(...blocks);
      else system.push({ type: 'text', text: textOf(message.content) });
      return;
    }
    const turn = toTurn(message, i);
    if (!turn) return;
    const blocks = blocksOf(turn).filter((b) => !(b.type === 'text' && b.text === ''));
    if (!blocks.length) return;
    const last = turns.at(-1);
    if (last && last.role === turn.role) last.content = [...blocksOf(last), ...blocks];
    else turns.push({ role: turn.role, content: blocks });
  });
  if (!turns.length) {
    throw new ValidationError([
      {
        path: 'messages',
        message: 'Anthropic needs at least one non-empty user or assistant message',
      },
    ]);
  }
  const blocks = system.filter((block) => block.text !== '');
  if (blocks.some((block) => block.cache_control))
    return { system: blocks, messages: turns.map(finish) };
  const joined = blocks.map((block) => block.text).join('\n\n');
  return { system: joined === '' ? undefined : joined, messages: turns.map(finish) };
}
