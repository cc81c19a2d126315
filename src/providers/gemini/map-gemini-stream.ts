import { parseEventJson, parseEventWire } from '../shared/parse-stream-event.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { geminiResponseSchema, type GeminiUsage } from './gemini-wire.js';
import { geminiErrorInBody } from './map-gemini-error.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import {
  answerText,
  mapGeminiUsage,
  promptBlockedError,
  toToolCall,
} from './map-gemini-response.js';
import type { ThoughtSignatureStore } from './thought-signature-store.js';

export interface GeminiStreamContext {
  target: CallTarget;
  secrets: readonly string[];
  requestId: string | undefined;
  now: () => number;
  signatures: ThoughtSignatureStore;
}

/**
 * `streamGenerateContent?alt=sse` events to unified chunks. Each event is a whole
 * GenerateContentResponse: text parts become text deltas, each functionCall part one complete
 * tool-call delta (id, name and all arguments). Gemini has no terminator event: the stream is
 * complete when a candidate has carried a finishReason, and `finish` then `usage` (the last
 * usageMetadata seen, once) are yielded when the body ends. A body that ends without a
 * finishReason throws StreamInterruptedError; an error event throws its mapped error; a blocked
 * prompt throws ContentFilterError; an event that is not JSON throws MalformedResponseError.
 */
export async function* mapGeminiStream(
  events: AsyncIterable<SseEvent>,
  context: GeminiStreamContext,
): AsyncGenerator<StreamChunk> {
  const { target, secrets } = context;
  let sentMetadata = false;
  let finishReason: string | undefined;
  let usage: GeminiUsage | undefined;
  let toolIndex = 0;
  for await (const event of events) {
    if (event.data.trim() === '') continue;
    const json = parseEventJson(event.data, context);
    const inStream = geminiErrorInBody(json, {
      target,
      secrets,
      headers: {},
      text: event.data,
      requestId: context.requestId,
      now: context.now(),
      where: 'stream',
    });
    if (inStream) throw inStream;
    const chunk = parseEventWire(geminiResponseSchema, json, event.data, {
      ...context,
      what: 'a GenerateContentResponse',
    });
    const blocked = promptBlockedError(chunk.promptFeedback, context);
    if (blocked) throw blocked;
    if (!sentMetadata) {
      sentMetadata = true;
      yield {
        type: 'response-metadata',
        ...(chunk.responseId ? { id: chunk.responseId } : {}),
        ...(chunk.modelVersion ? { model: chunk.modelVersion } : {}),
        ...(context.requestId ? { requestId: context.requestId } : {}),
      };
    }
    if (chunk.usageMetadata) usage = chunk.usageMetadata;
    const candidate = chunk.candidates?.find((c) => (c.index ?? 0) === 0);
    for (const part of candidate?.content?.parts ?? []) {
      const text = answerText(part);
      if (text) yield { type: 'text-delta', delta: text };
      const call = toToolCall(part, context.signatures);
      if (call) {
        yield {
          type: 'tool-call-delta',
          index: toolIndex,
          id: call.id,
          name: call.function.name,
          argumentsDelta: call.function.arguments,
        };
        toolIndex += 1;
      }
    }
    if (candidate?.finishReason) finishReason = candidate.finishReason;
  }
  if (finishReason === undefined) {
    throw new StreamInterruptedError('stream ended before a finishReason', {
      ...target,
      status: 200,
    });
  }
  yield { type: 'finish', finishReason: mapGeminiFinishReason(finishReason, toolIndex > 0) };
  if (usage) yield { type: 'usage', usage: mapGeminiUsage(usage) };
}
