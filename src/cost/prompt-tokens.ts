import type { ChatMessage } from '../types/message.js';
import type { ChatRequest } from '../types/request.js';
import { countTokens, type TokenCount } from './token-counter.js';

/** Per-message framing of OpenAI's chat format (role and separators), and the reply's priming. */
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;

/**
 * The prompt tokens a request will be billed for on `model`, as OpenAI's chat format counts them
 * (text of every message, names, tool calls, tool definitions and a JSON schema, plus the framing
 * tokens). Exact text counts for OpenAI models once their tokenizer is loaded, the approximation
 * elsewhere; images are not counted (an image prompt is estimated low).
 */
export function countPromptTokens(
  request: Pick<ChatRequest, 'messages' | 'tools' | 'responseFormat'>,
  model: string,
): TokenCount {
  let tokens = REPLY_PRIMING;
  let exact = true;
  const add = (text: string): void => {
    const counted = countTokens(text, model);
    tokens += counted.tokens;
    exact &&= counted.exact;
  };
  for (const message of request.messages) {
    tokens += PER_MESSAGE;
    add(message.role);
    add(messageText(message));
    if (message.name) {
      tokens += PER_NAME;
      add(message.name);
    }
    if (message.role === 'assistant' && message.toolCalls) add(JSON.stringify(message.toolCalls));
    if (
      message.role === 'user' &&
      Array.isArray(message.content) &&
      message.content.some((p) => p.type === 'image')
    ) {
      exact = false;
    }
  }
  if (request.tools) add(JSON.stringify(request.tools));
  if (request.responseFormat?.type === 'json_schema')
    add(JSON.stringify(request.responseFormat.jsonSchema));
  return { tokens, exact };
}

function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** Output tokens of what a stream delivered before it stopped (text and tool-call arguments). */
export function countOutputTokens(
  partial: {
    content: string;
    toolCalls: readonly { function: { name: string; arguments: string } }[];
  },
  model: string,
): TokenCount {
  const text =
    partial.content + partial.toolCalls.map((c) => c.function.name + c.function.arguments).join('');
  return countTokens(text, model);
}
