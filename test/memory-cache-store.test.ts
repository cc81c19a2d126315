import { describe, expect, it } from 'vitest';
import { makeEntry } from '../src/cache/cache-entry.js';
import { approximateSize, MemoryCacheStore } from '../src/cache/memory-cache-store.js';
import type { ChatResponse } from '../src/types/response.js';
import { FakeClock } from './helpers/fake-clock.js';

const response = (content: string): ChatResponse => ({
  id: 'resp-1',
  created: 1_700_000_000,
  model: 'sim-model',
  provider: 'a',
  content,
  finishReason: 'stop',
  usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
  attempts: [],
  latencyMs: 1,
  correlationId: 'req_1',
});

describe('MemoryCacheStore', () => {
  it('drops an entry once it is stale on the client clock, when read', () => {
    const clock = new FakeClock();
    const store = new MemoryCacheStore({
      maxEntries: 10,
      maxBytes: 100_000,
      maxValueBytes: 10_000,
      clock,
    });
    store.set('k', makeEntry(response('hi'), clock.now(), 1_000));
    clock.advance(999);
    expect(store.get('k')).toMatchObject({ answer: { content: 'hi' } });
    clock.advance(1);
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('measures an answer about as long as its JSON, and refuses one over maxValueBytes', () => {
    const clock = new FakeClock();
    const entry = makeEntry(response('x'.repeat(1_000)), clock.now(), 1_000);
    const json = JSON.stringify(entry).length;
    const size = approximateSize(entry.answer);
    expect(size).toBeGreaterThanOrEqual(json);
    expect(size).toBeLessThan(json + 100);
    // Provider metadata is measured without serializing it, about as long as its JSON too.
    const withMetadata = makeEntry(
      {
        ...response('x'.repeat(1_000)),
        providerMetadata: { systemFingerprint: 'fp_1', refusal: null, logprobs: [1.5, 'a', true] },
      },
      clock.now(),
      1_000,
    );
    const metadataJson = JSON.stringify(withMetadata).length;
    expect(approximateSize(withMetadata.answer)).toBeGreaterThanOrEqual(metadataJson);
    expect(approximateSize(withMetadata.answer)).toBeLessThan(metadataJson + 100);
    const store = new MemoryCacheStore({
      maxEntries: 10,
      maxBytes: 10_000,
      maxValueBytes: 1_000,
      clock,
    });
    expect(store.set('big', entry)).toEqual({ oversized: size });
    expect(store.get('big')).toBeUndefined();
  });
});
