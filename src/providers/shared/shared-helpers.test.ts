import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import type { ChatMessage } from '../../types/message.js';
import type { ProviderChatResult } from '../../types/response.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { droppedParamsFor, fileKinds, honours, usesCacheControl } from './capabilities.js';
import { checkEmbeddings } from './check-embedding-count.js';
import { streamWithDroppedParams, withDroppedParams } from './dropped-params.js';

/** The small shared pieces every adapter leans on: capabilities, dropped params, embedding checks. */

const messages: ChatMessage[] = [
  { role: 'system', content: 'plain' },
  { role: 'assistant', content: null },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'see file' },
      { type: 'file', mediaType: 'application/pdf', data: 'JVBE' },
    ],
  },
];

describe('capabilities', () => {
  it('a custom provider type honours everything and drops nothing', () => {
    expect(honours('my-own', 'topK')).toBe(true);
    expect(droppedParamsFor('my-own', { messages, topK: 3, seed: 1 })).toEqual([]);
    expect(honours('openai', 'topK')).toBe(false);
    expect(honours('openai', 'seed')).toBe(true);
  });

  it('dropped params in a stable order; cacheControl only when a text part carries it', () => {
    const request = { messages, verbosity: 'low' as const, serviceTier: 'flex', topK: 2 };
    expect(droppedParamsFor('openai-compatible', request)).toEqual(['serviceTier', 'verbosity']);
    expect(usesCacheControl(messages)).toBe(false);
    const cached: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'x', cacheControl: { type: 'ephemeral' } }] },
    ];
    expect(usesCacheControl(cached)).toBe(true);
    expect(droppedParamsFor('openai', { messages: cached })).toEqual(['cacheControl']);
  });

  it('file kinds: inline data and file ids, anywhere in the conversation', () => {
    expect(fileKinds(messages)).toEqual({ data: true, fileId: false });
    expect(
      fileKinds([...messages, { role: 'user', content: [{ type: 'file', fileId: 'file-1' }] }]),
    ).toEqual({ data: true, fileId: true });
    expect(fileKinds([{ role: 'user', content: 'no parts' }])).toEqual({
      data: false,
      fileId: false,
    });
  });
});

describe('dropped params on results and streams', () => {
  const result: ProviderChatResult = {
    id: 'x',
    created: 0,
    model: 'm',
    content: 'ok',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
  };

  it('a result names them only when there are some', () => {
    expect(withDroppedParams(result, [])).toBe(result);
    expect(withDroppedParams(result, ['topK']).droppedParams).toEqual(['topK']);
  });

  it('a stream is led by a metadata chunk naming them, only when there are some', async () => {
    const source: AsyncIterable<StreamChunk> = (async function* () {
      yield { type: 'text-delta' as const, delta: 'hi' };
    })();
    expect(streamWithDroppedParams(source, [])).toBe(source);
    const chunks: StreamChunk[] = [];
    for await (const chunk of streamWithDroppedParams(source, ['seed'])) chunks.push(chunk);
    expect(chunks).toEqual([
      { type: 'response-metadata', droppedParams: ['seed'] },
      { type: 'text-delta', delta: 'hi' },
    ]);
  });
});

describe('checkEmbeddings: one vector per input, all alike', () => {
  const context = { target: { provider: 'p', model: 'm' }, status: 200 };
  const refusal = (embeddings: (number[] | undefined)[], expected: number, dimensions?: number) => {
    try {
      checkEmbeddings(embeddings, expected, { ...context, dimensions });
    } catch (error) {
      expect(MalformedResponseError.isInstance(error)).toBe(true);
      return (error as Error).message;
    }
    return undefined;
  };

  it('accepts matching vectors', () => {
    expect(
      checkEmbeddings(
        [
          [1, 2],
          [3, 4],
        ],
        2,
        context,
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(refusal([[1, 2, 3]], 1, 3)).toBeUndefined();
  });

  it('refuses a wrong count, a missing vector, wrong dimensions, uneven or empty vectors', () => {
    expect(refusal([[1]], 2)).toContain('1 vectors for 2 inputs');
    expect(refusal([[1], undefined], 2)).toContain('a vector is missing');
    expect(refusal([[1, 2]], 1, 3)).toContain('not of the 3 dimensions asked for');
    expect(refusal([[1, 2], [3]], 2)).toContain('vectors of different lengths');
    expect(refusal([[]], 1)).toContain('vectors of different lengths');
  });
});
