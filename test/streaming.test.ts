import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../src/errors/aborted-error.js';
import { StreamInterruptedError } from '../src/errors/stream-interrupted-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import { fault } from '../src/testing/faults.js';
import type { StreamChunk } from '../src/types/stream-chunk.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createFleet, PROVIDER_TYPES, userMessage, type Fleet } from './helpers/sim-fleet.js';

const text = (chunks: StreamChunk[]): string =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

async function collect(
  stream: AsyncIterable<StreamChunk>,
): Promise<{ chunks: StreamChunk[]; error?: unknown }> {
  const chunks: StreamChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

/**
 * A's sockets all closed: polled (a busy machine can take more than a fixed pause to close one),
 * for at most 3 s, under the 4 s keep-alive in which a socket whose stream had ended normally
 * would still be open: only a cut connection passes.
 */
const socketsClosed = (fleet: Fleet) =>
  expect.poll(() => fleet.sims[0]?.openConnections, { timeout: 3_000, interval: 10 }).toBe(0);
const sixty = Array.from({ length: 60 }, (_, i) => `w${i} `);

describe.each(PROVIDER_TYPES)('chatCompletionStream over real HTTP (%s)', (type) => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  /** Two providers of this type, a then b, each speaking its own wire. */
  const make = (extra: Record<string, number> = {}) =>
    createFleet([type, type], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, ...extra })),
    }));

  it('streams text and resolves the aggregated response', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(
      fault.ok({
        content: 'Hello streaming world',
        usage: { promptTokens: 5, completionTokens: 3 },
      }),
    );
    const stream = fleet.ai.chatCompletionStream(userMessage());
    const { chunks, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('Hello streaming world');
    const final = await stream.finalResponse();
    expect(final).toMatchObject({
      content: 'Hello streaming world',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 },
      provider: 'a',
      model: 'model-a',
    });
    expect(final.attempts).toEqual([
      {
        provider: 'a',
        model: 'model-a',
        ok: true,
        latencyMs: expect.any(Number),
        ttftMs: expect.any(Number),
        usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 },
      },
    ]);
    expect(final.attempts[0]?.ttftMs).toBeLessThanOrEqual(final.attempts[0]?.latencyMs ?? 0);
    expect(fleet.ai.getLastUsedProvider()).toBe('a');
    expect(fleet.ai.getRequestStats()).toMatchObject({ totalRequests: 1, successfulRequests: 1 });
  });

  it('aggregates tool calls into complete JSON arguments', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(
      fault.ok({
        toolCalls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Paris","unit":"c"}' },
          },
          { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{"tz":"CET"}' } },
        ],
        // Gemini sends call ids only on newer models; ask its wire to send them (others ignore it).
        wireExtras: { functionCallIds: true },
      }),
    );
    const final = await fleet.ai.chatCompletionStream(userMessage()).finalResponse();
    expect(final.finishReason).toBe('tool_calls');
    expect(final.content).toBeNull();
    expect(final.toolCalls).toEqual([
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'weather', arguments: '{"city":"Paris","unit":"c"}' },
      },
      { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{"tz":"CET"}' } },
    ]);
    expect(JSON.parse(final.toolCalls?.[0]?.function.arguments ?? '')).toEqual({
      city: 'Paris',
      unit: 'c',
    });
  });

  it.each([
    ['an error status', () => fault.status(503)],
    ['a cut before any output', () => fault.streamCut(0)],
    ['an error event before any output (U17)', () => fault.streamError(0, 'Overloaded')],
    [
      'a malformed event before any output (U15)',
      () => ({ kind: 'stream-malformed' as const, afterChunks: 0 }),
    ],
  ])('U13: %s fails over transparently; the caller sees only B', async (_name, makeFault) => {
    fleet = await make();
    fleet.sims[0]?.enqueue(makeFault());
    fleet.sims[1]?.enqueue(fault.ok({ content: 'from b only' }));
    const stream = fleet.ai.chatCompletionStream(userMessage());
    const { chunks, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('from b only');
    const final = await stream.finalResponse();
    expect(final.provider).toBe('b');
    expect(final.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 1]);
    expect(fleet.ai.getProviderStatus()[0]?.failures).toBe(1);
  });

  it('U10: a slow first byte is cut at the first-byte timeout and B serves one clean stream', async () => {
    fleet = await make({ firstByteTimeoutMs: 300 });
    fleet.sims[0]?.enqueue(fault.slow(30_000, fault.ok()));
    fleet.sims[1]?.enqueue(fault.ok({ content: 'b answers' }));
    const started = performance.now();
    const stream = fleet.ai.chatCompletionStream(userMessage());
    const { chunks, error } = await collect(stream);
    const elapsed = performance.now() - started;
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('b answers');
    const final = await stream.finalResponse();
    const first = final.attempts[0]?.error as TimeoutError;
    expect(TimeoutError.isInstance(first) && first.phase).toBe('first_byte');
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(15_000); // cut at 300 ms, far from the 30 s, whatever the load
  });

  it('headers without output past firstOutputTimeoutMs fail over (role chunk and keep-alives do not commit)', async () => {
    fleet = await make({ firstOutputTimeoutMs: 300 });
    fleet.sims[0]?.enqueue(fault.streamStall(0));
    const stream = fleet.ai.chatCompletionStream(userMessage('x'));
    const { error } = await collect(stream);
    expect(error).toBeUndefined();
    const final = await stream.finalResponse();
    expect(final.provider).toBe('b');
    expect((final.attempts[0]?.error as TimeoutError).phase).toBe('first_output');
    await socketsClosed(fleet);
  });

  it('U12: a stream cut after 40 of 60 chunks ends in an explicit error, never a clean end', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue({ kind: 'stream-cut', afterChunks: 40, reply: { chunks: sixty } });
    const stream = fleet.ai.chatCompletionStream(userMessage());
    const { chunks, error } = await collect(stream);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(text(chunks)).toBe(sixty.slice(0, 40).join(''));
    expect((error as StreamInterruptedError).partial?.content).toBe(sixty.slice(0, 40).join(''));
    await expect(stream.finalResponse()).rejects.toBe(error);
    // Nothing was spliced from b; a's failure is recorded.
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 0]);
    expect(fleet.ai.getProviderStatus()[0]?.failures).toBe(1);
    expect(fleet.ai.getRequestStats()).toMatchObject({ failedRequests: 1 });
  });

  it('U15: a malformed event after output began ends in StreamInterruptedError (deterministic)', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue({ kind: 'stream-malformed', afterChunks: 2 });
    const { error } = await collect(fleet.ai.chatCompletionStream(userMessage()));
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as Error & { cause: Error }).cause.name).toBe('MalformedResponseError');
  });

  it('an error event after output began ends in StreamInterruptedError', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.streamError(3, 'Overloaded'));
    const { chunks, error } = await collect(fleet.ai.chatCompletionStream(userMessage()));
    expect(text(chunks).length).toBeGreaterThan(0);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(fleet.sims[1]?.chatCalls).toBe(0);
  });

  it('U14: a stall mid-answer is aborted at the idle timeout (+-10%) with an explicit error; the socket closes', async () => {
    fleet = await make({ idleTimeoutMs: 400 });
    fleet.sims[0]?.enqueue({ kind: 'stream-stall', afterChunks: 3, reply: { chunks: sixty } });
    const stream = fleet.ai.chatCompletionStream(userMessage());
    let lastChunkAt = 0;
    const chunks: StreamChunk[] = [];
    let error: unknown;
    try {
      for await (const chunk of stream) {
        chunks.push(chunk);
        lastChunkAt = performance.now();
      }
    } catch (e) {
      error = e;
    }
    const stalledFor = performance.now() - lastChunkAt;
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(((error as Error).cause as TimeoutError).phase).toBe('idle');
    expect(stalledFor).toBeGreaterThanOrEqual(360);
    expect(stalledFor).toBeLessThanOrEqual(440 + 60);
    await socketsClosed(fleet);
    expect(fleet.ai.getProviderStatus()[0]?.failures).toBe(1);
  });

  it('C12: a caller abort mid-stream aborts the upstream at once and does not penalise the circuit', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.ok({ chunks: sixty, chunkDelayMs: 20 }));
    const controller = new AbortController();
    const stream = fleet.ai.chatCompletionStream({ ...userMessage(), signal: controller.signal });
    const seen: StreamChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) {
        seen.push(chunk);
        if (seen.filter((c) => c.type === 'text-delta').length === 5) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    await socketsClosed(fleet);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ failures: 0, state: 'closed' });
    expect(fleet.sims[1]?.chatCalls).toBe(0);
  });

  it('breaking out of the loop aborts the upstream request and costs the provider nothing', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.ok({ chunks: sixty, chunkDelayMs: 20 }));
    const stream = fleet.ai.chatCompletionStream(userMessage());
    let n = 0;
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta' && ++n === 3) break;
    }
    await expect(stream.finalResponse()).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    await socketsClosed(fleet);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ failures: 0, state: 'closed' });
  });

  it('B5: emoji, RTL and combining marks survive every byte split through the client', async () => {
    fleet = await make();
    const content = '😀 שלום e\u0301 𝄞 👩‍👩‍👧';
    for (let writeBytes = 1; writeBytes <= 5; writeBytes += 1) {
      fleet.sims[0]?.enqueue(
        fault.ok({ content, chunks: [content.slice(0, 5), content.slice(5)], writeBytes }),
      );
      const final = await fleet.ai.chatCompletionStream(userMessage()).finalResponse();
      expect(final.content).toBe(content);
      expect(final.content).not.toContain('\uFFFD');
    }
  });

  it('a stream only closes a half-open circuit when it completes', async () => {
    // Circuit time on a fake clock: a busy machine cannot turn 'open' into 'half_open' early.
    const clock = new FakeClock(Date.now());
    fleet = await createFleet(
      [type, type],
      (c) => ({ ...c, circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 50 } }),
      { clock },
    );
    fleet.sims[0]?.enqueue(fault.status(500));
    await collect(fleet.ai.chatCompletionStream(userMessage()));
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');
    clock.advance(60);
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('half_open');
    fleet.sims[0]?.enqueue({ kind: 'stream-cut', afterChunks: 2, reply: { chunks: sixty } });
    const { error } = await collect(fleet.ai.chatCompletionStream(userMessage()));
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');
  });
});
