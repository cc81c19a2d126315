import { parseEventJson, parseEventWire } from '../shared/parse-stream-event.js';
import type { z } from 'zod';
import { ProviderError } from '../../errors/provider-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import { excerpt } from '../../internal/redact.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import type { FinishReason } from '../../types/finish-reason.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import {
  anthropicToolUseBlockSchema,
  contentBlockDeltaEventSchema,
  contentBlockStartEventSchema,
  messageDeltaEventSchema,
  messageStartEventSchema,
  streamEventTypeSchema,
  type AnthropicUsage,
} from './anthropic-wire.js';
import { anthropicErrorInBody } from './map-anthropic-error.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage, mergeAnthropicUsage } from './map-anthropic-usage.js';

export interface AnthropicStreamContext {
  target: CallTarget;
  secrets: readonly string[];
  requestId: string | undefined;
  /** The client's clock (epoch ms); the wall clock when absent. */
  now?: () => number;
  /** Called at `message_stop`, the protocol's end: the transport may keep the connection for reuse. */
  complete?: () => void;
}

interface ToolBlock {
  index: number;
  sentArguments: boolean;
}

/**
 * Anthropic stream events to unified chunks: `message_start` gives the response metadata and the
 * input usage; `text_delta`s become text; a `tool_use` block opens a tool call (id and name, index
 * = order of the tool_use blocks) and its `input_json_delta`s carry the argument fragments;
 * `message_delta` gives the finish reason and final usage; `message_stop` ends the stream. Pings
 * and unknown event types yield nothing. An `error` event throws a typed error; a line that is not
 * JSON, or a known event of the wrong shape, a MalformedResponseError; an end before
 * `message_stop` a StreamInterruptedError — a truncated stream never ends cleanly.
 */
export async function* mapAnthropicStream(
  events: AsyncIterable<SseEvent>,
  context: AnthropicStreamContext,
): AsyncGenerator<StreamChunk> {
  const { target, secrets, requestId } = context;
  const parse = <S extends z.ZodType>(schema: S, json: unknown, data: string): z.infer<S> =>
    parseEventWire(schema, json, data, { ...context, what: 'an event of its declared type' });

  let sentMetadata = false;
  let usage: AnthropicUsage | undefined;
  let finishReason: FinishReason | undefined;
  const tools = new Map<number, ToolBlock>();

  for await (const event of events) {
    if (event.event === 'ping') continue;
    const json = parseEventJson(event.data, context);
    const errorObject = anthropicErrorInBody(json, {
      target,
      secrets,
      headers: {},
      text: event.data,
      requestId,
      now: context.now?.() ?? Date.now(),
      where: 'stream',
    });
    if (errorObject) throw errorObject;
    if (event.event === 'error') {
      throw new ProviderError('error event in the stream', {
        ...target,
        status: 200,
        body: excerpt(event.data, secrets),
        ...(requestId ? { requestId } : {}),
      });
    }
    const { type } = parse(streamEventTypeSchema, json, event.data);
    if (type === 'ping') continue;

    if (!sentMetadata) {
      sentMetadata = true;
      const start =
        type === 'message_start' ? parse(messageStartEventSchema, json, event.data) : undefined;
      usage = start?.message.usage ?? undefined;
      yield {
        type: 'response-metadata',
        ...(start?.message.id ? { id: start.message.id } : {}),
        ...(start?.message.model ? { model: start.message.model } : {}),
        ...(requestId ? { requestId } : {}),
      };
      if (start) continue;
    }

    switch (type) {
      case 'content_block_start': {
        const { index, content_block: block } = parse(
          contentBlockStartEventSchema,
          json,
          event.data,
        );
        const toolUse = anthropicToolUseBlockSchema.safeParse(block);
        if (toolUse.success) {
          const tool: ToolBlock = { index: tools.size, sentArguments: false };
          tools.set(index, tool);
          yield {
            type: 'tool-call-delta',
            index: tool.index,
            id: toolUse.data.id,
            name: toolUse.data.name,
          };
          const input = toolUse.data.input;
          if (input && typeof input === 'object' && Object.keys(input).length) {
            tool.sentArguments = true;
            yield {
              type: 'tool-call-delta',
              index: tool.index,
              argumentsDelta: JSON.stringify(input),
            };
          }
        } else if (block.type === 'redacted_thinking' && 'data' in block) {
          if (typeof block.data === 'string' && block.data)
            yield { type: 'reasoning-delta', redactedData: block.data };
        } else if (block.type === 'thinking' && 'thinking' in block) {
          if (typeof block.thinking === 'string' && block.thinking)
            yield { type: 'reasoning-delta', delta: block.thinking };
        } else if (
          block.type === 'text' &&
          'text' in block &&
          typeof block.text === 'string' &&
          block.text
        ) {
          yield { type: 'text-delta', delta: block.text };
        }
        break;
      }
      case 'content_block_delta': {
        const { index, delta } = parse(contentBlockDeltaEventSchema, json, event.data);
        if (delta.type === 'text_delta' && 'text' in delta && typeof delta.text === 'string') {
          if (delta.text) yield { type: 'text-delta', delta: delta.text };
        } else if (delta.type === 'input_json_delta' && 'partial_json' in delta) {
          const tool = tools.get(index);
          const fragment = typeof delta.partial_json === 'string' ? delta.partial_json : '';
          if (tool && fragment) {
            tool.sentArguments = true;
            yield { type: 'tool-call-delta', index: tool.index, argumentsDelta: fragment };
          }
        } else if (delta.type === 'thinking_delta' && 'thinking' in delta) {
          if (typeof delta.thinking === 'string' && delta.thinking)
            yield { type: 'reasoning-delta', delta: delta.thinking };
        } else if (delta.type === 'signature_delta' && 'signature' in delta) {
          if (typeof delta.signature === 'string' && delta.signature)
            yield { type: 'reasoning-delta', signature: delta.signature };
        }
        break;
      }
      case 'content_block_stop': {
        const index = (json as { index?: unknown }).index;
        const tool = typeof index === 'number' ? tools.get(index) : undefined;
        // A tool called without arguments streams none; the unified text is `{}`, as in chat().
        if (tool && !tool.sentArguments) {
          tool.sentArguments = true;
          yield { type: 'tool-call-delta', index: tool.index, argumentsDelta: '{}' };
        }
        break;
      }
      case 'message_delta': {
        const delta = parse(messageDeltaEventSchema, json, event.data);
        usage = mergeAnthropicUsage(usage, delta.usage);
        if (delta.delta.stop_reason && finishReason === undefined) {
          finishReason = mapAnthropicStopReason(delta.delta.stop_reason);
          yield { type: 'finish', finishReason };
        }
        break;
      }
      case 'message_stop':
        context.complete?.();
        if (finishReason === undefined) yield { type: 'finish', finishReason: 'stop' };
        yield { type: 'usage', usage: mapAnthropicUsage(usage) };
        return;
      default:
        // message_start repeated and event types added later: nothing to yield.
        break;
    }
  }
  throw new StreamInterruptedError('stream ended before message_stop', {
    ...target,
    status: 200,
    ...(requestId ? { requestId } : {}),
  });
}
