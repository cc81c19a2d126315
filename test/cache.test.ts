import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry, makeEntry } from '../src/cache/cache-entry.js';
import type { CacheStore } from '../src/cache/cache-store.js';
import type { CacheEvent } from '../src/client/event-types.js';
import type { CacheConfigInput } from '../src/config/cache-config-schema.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { fault } from '../src/testing/faults.js';
import type { StreamChunk } from '../src/types/stream-chunk.js';
import { captureLogger } from './helpers/capture-logger.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

/** One provider (a) behind a client with a memory cache, scoped per key unless told otherwise. */
async function cached(
  cache: CacheConfigInput = {},
  options: Parameters<typeof createFleet>[2] = {},
) {
  fleet = await createFleet(
    1,
    (config) => ({ ...config, retry: { maxAttempts: 1 }, cache: { backend: 'memory', ...cache } }),
    options,
  );
  const events: CacheEvent[] = [];
  fleet.ai.on('cache', (event) => events.push(event));
  return { ...fleet, sim: fleet.sims[0]!, events };
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('response cache (memory)', () => {
  it('C9: 500 identical concurrent requests on a cold cache make one upstream call and get 500 identical answers', async () => {
    const { ai, sim } = await cached();
    // The upstream answers slowly, so every request arrives while the first is in flight.
    sim.setDefault(fault.slow(300, fault.ok({ content: 'The one answer.' })));
    const responses = await Promise.all(
      Array.from({ length: 500 }, () => ai.chatCompletion(userMessage('What is 2+2?'))),
    );
    expect(sim.chatCalls).toBe(1);
    expect(new Set(responses.map((r) => r.content))).toEqual(new Set(['The one answer.']));
    expect(new Set(responses.map((r) => r.id)).size).toBe(1);
    expect(responses.filter((r) => !r.cached)).toHaveLength(1);
    expect(responses.filter((r) => r.cached && r.attempts.length === 0)).toHaveLength(499);
    // Each response is its own request's: its own correlation id.
    expect(new Set(responses.map((r) => r.correlationId)).size).toBe(500);
    expect(ai.getCacheStats()).toMatchObject({ misses: 1, hits: 499, coalesced: 499, stores: 1 });
    // And the next one is a stored hit.
    const later = await ai.chatCompletion(userMessage('What is 2+2?'));
    expect(later).toMatchObject({ cached: true, content: 'The one answer.', attempts: [] });
    expect(sim.chatCalls).toBe(1);
  });

  it('coalesces streams and plain calls alike: mixed concurrent requests make one call', async () => {
    const { ai, sim } = await cached();
    sim.setDefault(fault.slow(200, fault.ok({ content: 'shared text' })));
    const streams = Array.from({ length: 20 }, () =>
      ai.chatCompletionStream(userMessage('mixed')).finalResponse(),
    );
    const plain = Array.from({ length: 20 }, () => ai.chatCompletion(userMessage('mixed')));
    const all = await Promise.all([...streams, ...plain]);
    expect(sim.chatCalls).toBe(1);
    expect(new Set(all.map((r) => r.content))).toEqual(new Set(['shared text']));
  });

  it('serves a hit with cached: true, no attempts, no upstream call, and reports it in events', async () => {
    const { ai, sim, events } = await cached();
    const requests: { cached?: boolean; attempts: number }[] = [];
    ai.on('request', (e) => requests.push({ cached: e.cached, attempts: e.attempts.length }));
    const first = await ai.chatCompletion(userMessage('hello there'));
    const second = await ai.chatCompletion(userMessage('hello there'));
    expect(sim.chatCalls).toBe(1);
    expect(first.cached).toBeUndefined();
    expect(second).toMatchObject({
      cached: true,
      attempts: [],
      content: first.content,
      id: first.id,
      usage: first.usage,
      finishReason: first.finishReason,
      provider: 'a',
    });
    expect(requests).toEqual([
      { cached: undefined, attempts: 1 },
      { cached: true, attempts: 0 },
    ]);
    expect(events.map((e) => e.outcome)).toEqual(['miss', 'store', 'hit']);
    expect(events[2]).toMatchObject({ backend: 'memory', operation: 'chat', route: 'default' });
  });

  it('the key covers what changes the answer: messages, sampling, tools, response format, route', async () => {
    const { ai, sim } = await cached();
    const base = userMessage('same');
    await ai.chatCompletion(base);
    await ai.chatCompletion({ ...base, correlationId: 'other-id', metadata: { a: 'b' } });
    expect(sim.chatCalls).toBe(1);
    await ai.chatCompletion({ ...base, temperature: 0.5 });
    await ai.chatCompletion({ ...base, maxTokens: 10 });
    await ai.chatCompletion({ ...base, responseFormat: { type: 'json_object' } });
    await ai.chatCompletion({ ...base, model: 'a' });
    await ai.chatCompletion(userMessage('different'));
    expect(sim.chatCalls).toBe(6);
    // Key order in the request does not matter.
    await ai.chatCompletion({ temperature: 0.5, ...base });
    expect(sim.chatCalls).toBe(6);
  });

  it('never sends the request `cache` field upstream', async () => {
    const { ai, sim } = await cached();
    await ai.chatCompletion({ ...userMessage('ttl'), cache: { ttlMs: 60_000 } });
    expect(sim.requests[0]!.body).not.toHaveProperty('cache');
    expect(JSON.stringify(sim.requests[0]!.body)).not.toContain('ttlMs');
  });

  it('cache: false skips the cache both ways', async () => {
    const { ai, sim, events } = await cached();
    await ai.chatCompletion(userMessage('fresh'));
    const bypassed = await ai.chatCompletion({ ...userMessage('fresh'), cache: false });
    expect(bypassed.cached).toBeUndefined();
    expect(sim.chatCalls).toBe(2);
    expect(events.at(-1)).toMatchObject({ outcome: 'bypass', reason: 'request' });
    await ai.chatCompletion({ ...userMessage('never stored'), cache: false });
    await ai.chatCompletion(userMessage('never stored'));
    expect(sim.chatCalls).toBe(4);
  });

  it('entries expire after ttlMs on the client clock; a request ttlMs bounds the age it accepts', async () => {
    const clock = new FakeClock();
    const { ai, sim } = await cached({ ttlMs: 60_000 }, { clock });
    await ai.chatCompletion(userMessage('timed'));
    clock.advance(59_000);
    expect((await ai.chatCompletion(userMessage('timed'))).cached).toBe(true);
    // Only answers younger than 30 s are acceptable to this request.
    const strict = await ai.chatCompletion({ ...userMessage('timed'), cache: { ttlMs: 30_000 } });
    expect(strict.cached).toBeUndefined();
    expect(sim.chatCalls).toBe(2);
    // ... and that answer was stored for 30 s only.
    clock.advance(31_000);
    expect((await ai.chatCompletion(userMessage('timed'))).cached).toBeUndefined();
    expect(sim.chatCalls).toBe(3);
  });

  it('the memory store keeps its own copy: changing a response never changes a later hit', async () => {
    const { ai, sim } = await cached();
    const call = {
      id: 'call_1',
      type: 'function' as const,
      function: { name: 'lookup', arguments: '{"q":1}' },
    };
    sim.setDefault(fault.ok({ content: 'original', toolCalls: [call] }));
    const miss = await ai.chatCompletion(userMessage('mutate'));
    miss.content = 'changed by the caller';
    miss.usage.totalTokens = -1;
    miss.toolCalls![0]!.function.arguments = 'changed';
    const hit = await ai.chatCompletion(userMessage('mutate'));
    expect(hit).toMatchObject({ cached: true, content: 'original' });
    expect(hit.usage.totalTokens).toBeGreaterThan(0);
    expect(hit.toolCalls![0]!.function.arguments).toBe('{"q":1}');
    hit.usage.totalTokens = -2;
    hit.toolCalls![0]!.function.name = 'changed';
    const again = await ai.chatCompletion(userMessage('mutate'));
    expect(again.usage.totalTokens).toBeGreaterThan(0);
    expect(again.toolCalls![0]!.function.name).toBe('lookup');
    expect(sim.chatCalls).toBe(1);
  });

  it('C10: an error is never cached', async () => {
    const { ai, sim } = await cached();
    sim.enqueue(fault.status(500));
    await expect(ai.chatCompletion(userMessage('fails once'))).rejects.toThrow();
    const after = await ai.chatCompletion(userMessage('fails once'));
    expect(after.cached).toBeUndefined();
    expect(sim.chatCalls).toBe(2);
    expect(ai.getCacheStats()).toMatchObject({ stores: 1 });
  });

  it('C10: length and content_filter finishes are not stored unless listed', async () => {
    const { ai, sim } = await cached();
    sim.enqueue(fault.ok({ finishReason: 'length' }), fault.ok({ finishReason: 'content_filter' }));
    await ai.chatCompletion(userMessage('long'));
    await ai.chatCompletion(userMessage('filtered'));
    expect((await ai.chatCompletion(userMessage('long'))).cached).toBeUndefined();
    expect((await ai.chatCompletion(userMessage('filtered'))).cached).toBeUndefined();
    expect(sim.chatCalls).toBe(4);
    await fleet!.close();

    const opted = await cached({ finishReasons: ['stop', 'length'] });
    opted.sim.enqueue(fault.ok({ finishReason: 'length' }));
    await opted.ai.chatCompletion(userMessage('long'));
    const hit = await opted.ai.chatCompletion(userMessage('long'));
    expect(hit).toMatchObject({ cached: true, finishReason: 'length' });
    expect(opted.sim.chatCalls).toBe(1);
  });

  it('C10: a cut or failed stream is never stored; a completed one is, and replays as a stream', async () => {
    const { ai, sim } = await cached();
    sim.enqueue(fault.streamCut(2));
    await expect(collect(ai.chatCompletionStream(userMessage('streamed')))).rejects.toThrow();
    const live = await collect(ai.chatCompletionStream(userMessage('streamed')));
    expect(sim.chatCalls).toBe(2);
    const replayStream = ai.chatCompletionStream(userMessage('streamed'));
    const replay = await collect(replayStream);
    const final = await replayStream.finalResponse();
    expect(sim.chatCalls).toBe(2);
    expect(final).toMatchObject({ cached: true, attempts: [] });
    const text = (chunks: StreamChunk[]) =>
      chunks.flatMap((c) => (c.type === 'text-delta' ? [c.delta] : [])).join('');
    expect(text(replay)).toBe(text(live));
    // The same kinds of chunk as live: metadata, text, usage, finish.
    const kinds = (chunks: StreamChunk[]) => [...new Set(chunks.map((c) => c.type))].sort();
    expect(kinds(replay)).toEqual(kinds(live));
    expect(replay.find((c) => c.type === 'finish')).toEqual({
      type: 'finish',
      finishReason: 'stop',
    });
    expect(replay.find((c) => c.type === 'usage')).toEqual(live.find((c) => c.type === 'usage'));
  });

  it('a stream abandoned by its reader is not stored', async () => {
    const { ai, sim } = await cached();
    sim.setDefault(fault.ok({ content: 'a b c d e f g h', chunkChars: 2, chunkDelayMs: 5 }));
    for await (const chunk of ai.chatCompletionStream(userMessage('abandoned'))) {
      if (chunk.type === 'text-delta') break;
    }
    const next = await ai.chatCompletion(userMessage('abandoned'));
    expect(next.cached).toBeUndefined();
    expect(sim.chatCalls).toBe(2);
  });

  it('a streamed request is served from a cached plain answer', async () => {
    const { ai, sim } = await cached();
    sim.setDefault(fault.ok({ content: 'plain first' }));
    const plain = await ai.chatCompletion(userMessage('cross'));
    const stream = ai.chatCompletionStream(userMessage('cross'));
    const chunks = await collect(stream);
    expect(sim.chatCalls).toBe(1);
    expect(stream.committed).toMatchObject({ provider: 'a', attempts: [] });
    expect(
      chunks
        .filter((c) => c.type === 'text-delta')
        .map((c) => c.delta)
        .join(''),
    ).toBe(plain.content);
  });

  it('an unknown model still fails synchronously on a stream with the cache on', async () => {
    const { ai } = await cached();
    expect(() => ai.chatCompletionStream({ ...userMessage(), model: 'nope' })).toThrow();
  });

  it('C11: with scope key, the same prompt from two gateway keys never shares an entry', async () => {
    const { ai, sim } = await cached({ scope: 'key' });
    sim.setDefault((request) =>
      fault.ok({ content: `answer #${sim.chatCalls} ${String(request.receivedAt)}` }),
    );
    const a1 = await ai.chatCompletion(userMessage('tenant'), { gatewayKeyId: 'key-aaaa' });
    const b1 = await ai.chatCompletion(userMessage('tenant'), { gatewayKeyId: 'key-bbbb' });
    const a2 = await ai.chatCompletion(userMessage('tenant'), { gatewayKeyId: 'key-aaaa' });
    const b2 = await ai.chatCompletion(userMessage('tenant'), { gatewayKeyId: 'key-bbbb' });
    expect(sim.chatCalls).toBe(2);
    expect(b1.cached).toBeUndefined();
    expect(a2).toMatchObject({ cached: true, content: a1.content });
    expect(b2).toMatchObject({ cached: true, content: b1.content });
    expect(a1.content).not.toBe(b1.content);
    // Concurrent requests of two keys are not coalesced together either.
    sim.setDefault(fault.slow(100));
    await Promise.all([
      ai.chatCompletion(userMessage('together'), { gatewayKeyId: 'key-aaaa' }),
      ai.chatCompletion(userMessage('together'), { gatewayKeyId: 'key-bbbb' }),
    ]);
    expect(sim.chatCalls).toBe(4);
  });

  it('with scope key, a request carrying `user` is never cached; with scope global it is shared', async () => {
    const scoped = await cached({ scope: 'key' });
    await scoped.ai.chatCompletion({ ...userMessage('u'), user: 'end-user-1' });
    await scoped.ai.chatCompletion({ ...userMessage('u'), user: 'end-user-1' });
    expect(scoped.sim.chatCalls).toBe(2);
    expect(scoped.events.map((e) => e.reason).filter(Boolean)).toEqual(['user', 'user']);
    await fleet!.close();

    const global = await cached({ scope: 'global' });
    await global.ai.chatCompletion(userMessage('g'), { gatewayKeyId: 'key-aaaa' });
    const other = await global.ai.chatCompletion(userMessage('g'), { gatewayKeyId: 'key-bbbb' });
    expect(other.cached).toBe(true);
    expect(global.sim.chatCalls).toBe(1);
  });

  it('applies only to the listed routes and stores only answers of the listed providers', async () => {
    fleet = await createFleet(2, (config) => ({
      ...config,
      retry: { maxAttempts: 1 },
      routes: { fast: ['a'], slow: ['b'] },
      cache: { routes: ['fast', 'slow'], providers: ['a'] },
    }));
    const [a, b] = fleet.sims as [NonNullable<Fleet['sims'][0]>, NonNullable<Fleet['sims'][0]>];
    await fleet.ai.chatCompletion(userMessage('r'));
    await fleet.ai.chatCompletion(userMessage('r'));
    expect(a.chatCalls).toBe(2); // default route: not cached
    await fleet.ai.chatCompletion({ ...userMessage('r'), model: 'fast' });
    await fleet.ai.chatCompletion({ ...userMessage('r'), model: 'fast' });
    expect(a.chatCalls).toBe(3);
    await fleet.ai.chatCompletion({ ...userMessage('r'), model: 'slow' });
    await fleet.ai.chatCompletion({ ...userMessage('r'), model: 'slow' });
    expect(b.chatCalls).toBe(2); // served by b: never stored
  });

  it('a corrupt or older-format stored value is a miss, served and then overwritten', async () => {
    const values = new Map<string, string>();
    const store: CacheStore = {
      backend: 'memory',
      get: (key) => values.get(key),
      set: (key, value) => void values.set(key, value),
      close: async () => undefined,
    };
    const { ai, sim } = await cached({}, { cacheStore: store });
    await ai.chatCompletion(userMessage('c'));
    const [key] = [...values.keys()];
    const valid = values.get(key!)!;
    const variants = [
      'not json {',
      JSON.stringify({ v: 0, response: { content: 'old format' } }),
      JSON.stringify({ ...JSON.parse(valid), answer: { content: 42 } }),
      'null',
      '"a string"',
    ];
    for (const variant of variants) {
      values.set(key!, variant);
      const response = await ai.chatCompletion(userMessage('c'));
      expect(response.cached).toBeUndefined();
      expect(JSON.parse(values.get(key!)!)).toMatchObject({ v: 1 });
    }
    expect(sim.chatCalls).toBe(1 + variants.length);
    expect(ai.getCacheStats()?.corrupt).toBe(variants.length);
  });

  it('an answer larger than maxValueBytes is not stored', async () => {
    const { ai, sim } = await cached({ maxValueBytes: 2_048 });
    sim.setDefault(fault.ok({ content: 'x'.repeat(4_000) }));
    await ai.chatCompletion(userMessage('big'));
    await ai.chatCompletion(userMessage('big'));
    expect(sim.chatCalls).toBe(2);
    expect(ai.getCacheStats()).toMatchObject({ oversized: 2, stores: 0 });
    sim.setDefault(fault.ok({ content: 'small' }));
    await ai.chatCompletion(userMessage('small'));
    expect((await ai.chatCompletion(userMessage('small'))).cached).toBe(true);
  });

  it('the memory store is bounded by entries (least recently used go first)', async () => {
    const { ai, sim } = await cached({ maxEntries: 2 });
    await ai.chatCompletion(userMessage('one'));
    await ai.chatCompletion(userMessage('two'));
    await ai.chatCompletion(userMessage('one')); // hit: one is now the most recent
    await ai.chatCompletion(userMessage('three')); // evicts two
    expect(sim.chatCalls).toBe(3);
    expect((await ai.chatCompletion(userMessage('one'))).cached).toBe(true);
    expect((await ai.chatCompletion(userMessage('two'))).cached).toBeUndefined();
    expect(sim.chatCalls).toBe(4);
  });

  it('the memory store is bounded by bytes', async () => {
    const { ai, sim } = await cached({ maxBytes: 3_000, maxValueBytes: 1_500 });
    sim.setDefault(fault.ok({ content: 'z'.repeat(900) }));
    await ai.chatCompletion(userMessage('b1'));
    await ai.chatCompletion(userMessage('b2'));
    await ai.chatCompletion(userMessage('b3')); // three of ~1.1 KB do not fit in 3 KB: b1 goes
    expect(ai.getCacheStats()?.stores).toBe(3);
    expect((await ai.chatCompletion(userMessage('b3'))).cached).toBe(true);
    expect((await ai.chatCompletion(userMessage('b1'))).cached).toBeUndefined();
    expect(sim.chatCalls).toBe(4);
  });

  it('a failing store is a miss: every request served, the fault logged once and counted', async () => {
    const log = captureLogger('debug');
    const broken: CacheStore = {
      backend: 'redis',
      get: () => Promise.reject(new Error('connection refused')),
      set: () => Promise.reject(new Error('connection refused')),
      lock: () => Promise.reject(new Error('connection refused')),
      close: async () => undefined,
    };
    const { ai, sim, events } = await cached({}, { cacheStore: broken, logger: log.logger });
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => ai.chatCompletion(userMessage(`down ${i}`))),
    );
    expect(responses.every((r) => r.content !== null)).toBe(true);
    expect(sim.chatCalls).toBe(5);
    // (The cost tracker's one-time "no known price" warning for the simulated model is not ours.)
    const warnings = log
      .lines()
      .filter((l) => l.level === 40 && !String(l.msg).includes('no known price'));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]!.msg)).toContain('Response cache unavailable');
    expect(ai.getCacheStats()!.errors).toBeGreaterThanOrEqual(10);
    expect(events.some((e) => e.outcome === 'error' && e.reason === 'connection refused')).toBe(
      true,
    );
  });

  it('single-flight shares an upstream failure with its followers (one call, same error)', async () => {
    const { ai, sim } = await cached();
    sim.enqueue(fault.slow(200, fault.status(400, { message: 'bad thing' })));
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => ai.chatCompletion(userMessage('shared failure'))),
    );
    expect(sim.chatCalls).toBe(1);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it("a leader's own abort does not fail its followers: one of them calls instead", async () => {
    const { ai, sim } = await cached();
    sim.setDefault(fault.slow(300, fault.ok({ content: 'after abort' })));
    const controller = new AbortController();
    const leader = ai.chatCompletion({ ...userMessage('abort'), signal: controller.signal });
    const followers = Array.from({ length: 5 }, () => ai.chatCompletion(userMessage('abort')));
    setTimeout(() => controller.abort(), 50);
    await expect(leader).rejects.toThrow();
    const answers = await Promise.all(followers);
    expect(answers.map((a) => a.content)).toEqual(Array(5).fill('after abort'));
    expect(sim.chatCalls).toBe(2);
  });

  it('a stuck leader never blocks followers beyond coalesceTimeoutMs', async () => {
    const { ai, sim } = await cached({ coalesceTimeoutMs: 200 });
    sim.enqueue(fault.hang(), fault.ok({ content: 'from the follower' }));
    const controller = new AbortController();
    const leader = ai.chatCompletion({ ...userMessage('stuck'), signal: controller.signal });
    leader.catch(() => undefined);
    // The follower waits for the leader, gives up after 200 ms, and makes its own call.
    const follower = await ai.chatCompletion(userMessage('stuck'));
    expect(follower.content).toBe('from the follower');
    expect(sim.chatCalls).toBe(2);
    controller.abort();
    await expect(leader).rejects.toThrow();
  });

  it('a follower that aborts stops waiting at once', async () => {
    const { ai, sim } = await cached();
    sim.setDefault(fault.slow(300));
    const leader = ai.chatCompletion(userMessage('follower abort'));
    const controller = new AbortController();
    const follower = ai.chatCompletion({
      ...userMessage('follower abort'),
      signal: controller.signal,
    });
    controller.abort();
    await expect(follower).rejects.toMatchObject({ code: 'aborted' });
    await leader;
    expect(sim.chatCalls).toBe(1);
  });

  it('stored values carry the answer only: no attempts, correlation id or credentials', async () => {
    const values = new Map<string, string>();
    const store: CacheStore = {
      backend: 'memory',
      get: (key) => values.get(key),
      set: (key, value) => void values.set(key, value),
      close: async () => undefined,
    };
    const { ai } = await cached({}, { cacheStore: store });
    const response = await ai.chatCompletion(userMessage('payload'), { gatewayKeyId: 'key-1234' });
    const [[key, value]] = [...values.entries()] as [[string, string]];
    expect(key.startsWith('key-1234:')).toBe(true);
    const at = (JSON.parse(value) as { at: number }).at;
    expect(value).toBe(encodeEntry(makeEntry(response, at, 300_000)));
    expect(value).not.toContain(response.correlationId);
    expect(value).not.toContain('attempts');
    expect(value).not.toMatch(/canary|sk-|Bearer/i);
  });

  it('rejects bad cache settings with the field path, before any call', () => {
    const make = (cache: unknown) => () =>
      createFleet(1, (config) => ({ ...config, cache: cache as CacheConfigInput }));
    return Promise.all([
      expect(make({ backend: 'disk' })()).rejects.toThrow(/cache\.backend/),
      expect(make({ routes: ['nowhere'] })()).rejects.toThrow(/cache\.routes\.0.*nowhere/),
      expect(make({ providers: ['zz'] })()).rejects.toThrow(/cache\.providers\.0/),
      expect(make({ ttlMs: -1 })()).rejects.toThrow(/cache\.ttlMs/),
      expect(make({ maxValueBytes: 10, maxBytes: 5 })()).rejects.toThrow(/cache\.maxValueBytes/),
      expect(make({ redis: { url: 'http://x' } })()).rejects.toThrow(/cache\.redis\.url/),
      expect(make({ finishReasons: ['error'] })()).rejects.toBeInstanceOf(ConfigurationError),
    ]);
  });

  it('rejects a bad per-request cache option with its path', async () => {
    const { ai, sim } = await cached();
    await expect(
      ai.chatCompletion({ ...userMessage(), cache: { ttlMs: 0 } }),
    ).rejects.toMatchObject({ code: 'validation_error' });
    await expect(
      ai.chatCompletion({ ...userMessage(), cache: true as unknown as false }),
    ).rejects.toThrow(/cache/);
    expect(sim.chatCalls).toBe(0);
  });
});
