import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { parseEventJson, parseEventWire } from '../shared/parse-stream-event.js';
import { openAIErrorInBody } from './map-openai-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-response.js';
import { openAIChatChunkSchema } from './openai-wire.js';

export interface OpenAIStreamContext {
  target: CallTarget;
  secrets: readonly string[];
  requestId: string | undefined;
  now: () => number;
  /** Called at `[DONE]`, the protocol's end: the transport may keep the connection for reuse. */
  complete?: () => void;
}

/**
 * OpenAI SSE events to unified chunks. `[DONE]` (or a finish_reason, for servers that omit
 * `[DONE]`) completes the stream; an error event, a line that is not JSON, or an end before either
 * throws a typed error — a truncated stream never ends cleanly.
 */
export async function* mapOpenAIStream(
  events: AsyncIterable<SseEvent>,
  context: OpenAIStreamContext,
): AsyncGenerator<StreamChunk> {
  const { target, secrets } = context;
  let sentMetadata = false;
  let finished = false;
  for await (const event of events) {
    if (event.data === '[DONE]') {
      context.complete?.();
      return;
    }
    const json = parseEventJson(event.data, context);
    const inStream = openAIErrorInBody(json, {
      target,
      secrets,
      headers: {},
      text: event.data,
      requestId: context.requestId,
      now: context.now(),
      where: 'stream',
    });
    if (inStream) throw inStream;
    const chunk = parseEventWire(openAIChatChunkSchema, json, event.data, {
      ...context,
      what: 'a chat completion chunk',
    });
    if (!sentMetadata) {
      sentMetadata = true;
      yield {
        type: 'response-metadata',
        ...(chunk.id ? { id: chunk.id } : {}),
        ...(chunk.model ? { model: chunk.model } : {}),
        ...(context.requestId ? { requestId: context.requestId } : {}),
      };
    }
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== undefined && choice.index !== 0) continue;
      const delta = choice.delta;
      if (delta?.content) yield { type: 'text-delta', delta: delta.content };
      for (const call of delta?.tool_calls ?? []) {
        const name = call.function?.name;
        const args = call.function?.arguments;
        if (!call.id && !name && !args) continue;
        yield {
          type: 'tool-call-delta',
          index: call.index,
          ...(call.id ? { id: call.id } : {}),
          ...(name ? { name } : {}),
          ...(args ? { argumentsDelta: args } : {}),
        };
      }
      if (choice.finish_reason) {
        finished = true;
        yield { type: 'finish', finishReason: mapOpenAIFinishReason(choice.finish_reason) };
      }
    }
    if (chunk.usage) yield { type: 'usage', usage: mapOpenAIUsage(chunk.usage) };
  }
  if (!finished) {
    throw new StreamInterruptedError('stream ended before its final event', {
      ...target,
      status: 200,
    });
  }
}
