import type { ChatResponse } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';

/**
 * A complete response as the chunks a live stream of it would carry: metadata, the text, each
 * tool call whole, usage, then the finish reason. Folding them back gives the same response.
 */
export function* replayResponse(response: ChatResponse): Generator<StreamChunk, void, undefined> {
  yield {
    type: 'response-metadata',
    id: response.id,
    model: response.model,
    ...(response.requestId ? { requestId: response.requestId } : {}),
    ...(response.providerMetadata ? { providerMetadata: response.providerMetadata } : {}),
  };
  if (response.content) yield { type: 'text-delta', delta: response.content };
  for (const [index, call] of (response.toolCalls ?? []).entries()) {
    yield {
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.function.name,
      argumentsDelta: call.function.arguments,
    };
  }
  yield { type: 'usage', usage: response.usage };
  yield { type: 'finish', finishReason: response.finishReason };
}
