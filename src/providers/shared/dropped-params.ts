import type { ProviderChatResult } from '../../types/response.js';
import type { StreamChunk } from '../../types/stream-chunk.js';

/** A result with the fields its provider dropped, when there are any. */
export function withDroppedParams<T extends ProviderChatResult>(
  result: T,
  dropped: readonly string[],
): T {
  return dropped.length ? { ...result, droppedParams: [...dropped] } : result;
}

/** A stream led by a metadata chunk naming the dropped fields, when there are any. */
export function streamWithDroppedParams(
  stream: AsyncIterable<StreamChunk>,
  dropped: readonly string[],
): AsyncIterable<StreamChunk> {
  if (!dropped.length) return stream;
  return {
    async *[Symbol.asyncIterator]() {
      yield { type: 'response-metadata', droppedParams: [...dropped] };
      yield* stream;
    },
  };
}
