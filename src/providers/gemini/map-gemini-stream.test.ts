import { describe, expect, it } from 'vitest';
import { ContentFilterError } from '../../errors/content-filter-error.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { mapGeminiStream } from './map-gemini-stream.js';
import { ThoughtSignatureStore } from './thought-signature-store.js';

/**
 * The Gemini event mapping as a unit: blank keep-alive events, candidates without content, usage
 * kept from the last event that had it, function calls as whole deltas, and the ways a stream
 * fails (no finishReason, an error event, a blocked prompt, an event that is not a response).
 */

const data = (payload: unknown): SseEvent => ({
  event: undefined,
  data: typeof payload === 'string' ? payload : JSON.stringify(payload),
  id: undefined,
});

async function run(events: SseEvent[], signatures = new ThoughtSignatureStore()) {
  async function* source() {
    yield* events;
  }
  const chunks: StreamChunk[] = [];
  const error = await (async () => {
    for await (const chunk of mapGeminiStream(source(), {
      target: { provider: 'g', model: 'gemini-test' },
      secrets: [],
      requestId: 'req_g',
      now: () => 0,
      signatures,
    }))
      chunks.push(chunk);
  })().catch((e: unknown) => e);
  return { chunks, error };
}

describe('mapGeminiStream', () => {
  it('skips blank events; usage is the last one seen, yielded once after the finish', async () => {
    const { chunks, error } = await run([
      data('  '),
      data({
        responseId: 'r1',
        modelVersion: 'gemini-test-001',
        candidates: [{ content: { parts: [{ text: 'Hel' }] } }],
        usageMetadata: { promptTokenCount: 1 },
      }),
      data({ candidates: [{}] }), // a candidate without content
      data({
        candidates: [{ content: { parts: [{ text: 'lo' }, { text: 'hmm', thought: true }] } }],
      }),
      data({
        candidates: [{ finishReason: 'MAX_TOKENS' }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      }),
    ]);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([
      { type: 'response-metadata', id: 'r1', model: 'gemini-test-001', requestId: 'req_g' },
      { type: 'text-delta', delta: 'Hel' },
      { type: 'text-delta', delta: 'lo' },
      { type: 'finish', finishReason: 'length' },
      { type: 'usage', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } },
    ]);
  });

  it('function calls are whole deltas, numbered in order, their signatures remembered', async () => {
    const signatures = new ThoughtSignatureStore();
    const { chunks } = await run(
      [
        data({
          candidates: [
            {
              content: {
                parts: [
                  { functionCall: { id: 'c1', name: 'f', args: { a: 1 } }, thoughtSignature: 's1' },
                ],
              },
            },
          ],
        }),
        data({
          candidates: [
            {
              content: { parts: [{ functionCall: { id: 'c2', name: 'g' } }] },
              finishReason: 'STOP',
            },
          ],
        }),
      ],
      signatures,
    );
    expect(chunks.slice(1)).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'c1', name: 'f', argumentsDelta: '{"a":1}' },
      { type: 'tool-call-delta', index: 1, id: 'c2', name: 'g', argumentsDelta: '{}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(signatures.get('c1')).toBe('s1');
  });

  it('a body that ends without a finishReason is an interrupted stream', async () => {
    const { chunks, error } = await run([
      data({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }),
    ]);
    expect(chunks.map((c) => c.type)).toEqual(['response-metadata', 'text-delta']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
  });

  it('an error event, a blocked prompt, an event that is not a response: each typed', async () => {
    const rateLimited = await run([
      data({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }),
      data({ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }),
    ]);
    expect(RateLimitError.isInstance(rateLimited.error)).toBe(true);
    const blocked = await run([data({ promptFeedback: { blockReason: 'SAFETY' } })]);
    expect(ContentFilterError.isInstance(blocked.error)).toBe(true);
    expect(blocked.chunks).toEqual([]);
    const notJson = await run([data('{"candidates":')]);
    expect(MalformedResponseError.isInstance(notJson.error)).toBe(true);
    const notResponse = await run([data({ candidates: 'none' })]);
    expect(MalformedResponseError.isInstance(notResponse.error)).toBe(true);
  });
});
