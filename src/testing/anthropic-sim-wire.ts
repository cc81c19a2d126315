import type { FinishReason } from '../types/finish-reason.js';
import {
  cutText,
  type SimAnswer,
  type SimOperation,
  type SimStreamEvent,
  type SimWire,
} from './sim-wire.js';

type Body = Record<string, unknown>;
const asBody = (body: unknown): Body =>
  body !== null && typeof body === 'object' ? (body as Body) : {};

/** Anthropic's error type for each status (https://docs.anthropic.com/en/api/errors). */
const DEFAULT_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  error: 'end_turn',
};

/** The text of a string or of text / tool_result blocks. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => {
      const b = asBody(block);
      if (b.type === 'text' && typeof b.text === 'string') return b.text;
      if (b.type === 'tool_result') return contentText(b.content);
      return '';
    })
    .join('');
}

function toolInput(args: string): Body {
  try {
    const value: unknown = JSON.parse(args);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Body)
      : {};
  } catch {
    return {};
  }
}

/** Tool input arrives in fragments on the real API; the simulator cuts it in 3. */
function splitJson(text: string): string[] {
  if (text.length < 3) return [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
}

/**
 * Anthropic's Messages API as the simulator speaks it (checked by the official `@anthropic-ai/sdk`):
 * `POST /v1/messages` (streamed as `event: <type>` / `data: {...}` frames), `GET /v1/models`,
 * `x-api-key` auth, `request-id` headers and `{ type: 'error', error: { type, message } }` errors.
 * `stopReason` and `usage` are protected so a test can script what `fault.ok` cannot express
 * (pause_turn, cache tokens).
 */
export class AnthropicSimWire implements SimWire {
  readonly name = 'anthropic';
  /** SDKs and FlexiAI take the server root as base URL and add `/v1/messages` themselves. */
  readonly baseURLPath = '';
  readonly requestIdHeader = 'request-id';
  readonly streamTerminator = undefined;
  readonly malformedStreamFrame =
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text": \n\n';

  route(method: string, path: string, body: unknown): SimOperation | undefined {
    if (method === 'POST' && path === '/v1/messages') {
      const b = asBody(body);
      return {
        kind: 'chat',
        stream: b.stream === true,
        model: typeof b.model === 'string' ? b.model : 'unknown',
      };
    }
    if (method === 'GET' && path === '/v1/models')
      return { kind: 'models', stream: false, model: '' };
    return undefined;
  }

  authorized(
    headers: Record<string, string | string[] | undefined>,
    _url: URL,
    apiKey: string,
  ): boolean {
    // The API takes `x-api-key` (FlexiAI, API version 2023-06-01 clients) or a Bearer token (the
    // SDKs since API version 2026-10-21); with both, `x-api-key` wins.
    const key = headers['x-api-key'];
    if (key !== undefined) return key === apiKey;
    return headers.authorization === `Bearer ${apiKey}`;
  }

  promptText(body: unknown): string {
    const b = asBody(body);
    const messages = Array.isArray(b.messages) ? b.messages : [];
    return [contentText(b.system), ...messages.map((m) => contentText(asBody(m).content))]
      .filter(Boolean)
      .join('\n');
  }

  wantsStreamUsage(): boolean {
    return true; // Anthropic streams always carry usage.
  }

  completion(answer: SimAnswer): unknown {
    return {
      ...this.messageShell(answer),
      content: [
        ...(answer.reasoning
          ? [
              {
                type: 'thinking',
                thinking: answer.reasoning.text,
                signature: answer.reasoning.signature ?? 'sim-signature',
              },
            ]
          : []),
        ...(answer.content ? [{ type: 'text', text: answer.content }] : []),
        ...answer.toolCalls.map((call) => ({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: toolInput(call.function.arguments),
        })),
      ],
      stop_reason: this.stopReason(answer),
      usage: this.usage(answer),
    };
  }

  errorBody(status: number, message: string, type: string | undefined): unknown {
    return {
      type: 'error',
      error: { type: type ?? DEFAULT_TYPES[status] ?? 'api_error', message },
    };
  }

  errorInSuccess(message: string): unknown {
    return { type: 'error', error: { type: 'api_error', message } };
  }

  models(model: string): unknown {
    const info = {
      type: 'model',
      id: model,
      display_name: model,
      created_at: '2025-01-01T00:00:00Z',
    };
    return { data: [info], has_more: false, first_id: model, last_id: model };
  }

  streamEvents(answer: SimAnswer): { events: SimStreamEvent[]; textEventIndexes: number[] } {
    const events: SimStreamEvent[] = [];
    const textEventIndexes: number[] = [];
    const push = (payload: Body & { type: string }): void => {
      events.push({ event: payload.type, data: JSON.stringify(payload) });
    };
    const usage = this.usage(answer);
    push({
      type: 'message_start',
      message: {
        ...this.messageShell(answer),
        content: [],
        stop_reason: null,
        usage: { ...usage, output_tokens: 1 },
      },
    });
    push({ type: 'ping' });
    let index = 0;
    if (answer.reasoning) {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      });
      for (const thinking of cutText(answer.reasoning.text, 8))
        push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } });
      push({
        type: 'content_block_delta',
        index,
        delta: {
          type: 'signature_delta',
          signature: answer.reasoning.signature ?? 'sim-signature',
        },
      });
      push({ type: 'content_block_stop', index });
      index += 1;
    }
    if (answer.chunks.length) {
      push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const text of answer.chunks) {
        textEventIndexes.push(events.length);
        push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
      }
      push({ type: 'content_block_stop', index });
      index += 1;
    }
    for (const call of answer.toolCalls) {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.function.name, input: {} },
      });
      // Like the real API: an empty partial first; a call without arguments streams nothing more.
      const json = JSON.stringify(toolInput(call.function.arguments));
      for (const partial_json of ['', ...(json === '{}' ? [] : splitJson(json))]) {
        push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json },
        });
      }
      push({ type: 'content_block_stop', index });
      index += 1;
    }
    push({
      type: 'message_delta',
      delta: { stop_reason: this.stopReason(answer), stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    push({ type: 'message_stop' });
    return { events, textEventIndexes };
  }

  streamError(message: string, type: string | undefined): SimStreamEvent {
    return {
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type: type ?? 'overloaded_error', message } }),
    };
  }

  protected stopReason(answer: SimAnswer): string {
    return STOP_REASONS[answer.finishReason];
  }

  protected usage(answer: SimAnswer): Body & { output_tokens: number } {
    return {
      input_tokens: answer.promptTokens,
      output_tokens: answer.completionTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
  }

  private messageShell(answer: SimAnswer): Body {
    return {
      id: answer.id.replace(/^chatcmpl-/, 'msg_'),
      type: 'message',
      role: 'assistant',
      model: answer.model,
      stop_sequence: null,
    };
  }
}
