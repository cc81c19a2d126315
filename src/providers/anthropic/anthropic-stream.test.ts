import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type { AnthropicProviderConfig } from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { ConnectionError } from '../../errors/connection-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { AnthropicSimWire } from '../../testing/anthropic-sim-wire.js';
import { fault } from '../../testing/faults.js';
import type { SimAnswer } from '../../testing/sim-wire.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { AnthropicProvider } from './anthropic-provider.js';

const KEY = 'sk-ant-api03.TESTKEYstream0123456789abcdefABCDEF';
const MODEL = 'claude-sonnet-4-6';
const call = { correlationId: 'req_test', logger: silentLogger };
const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };

/** The Anthropic wire with scripted stop reasons and cache usage. */
class ScriptedAnthropicWire extends AnthropicSimWire {
  stop: string | undefined;
  extraUsage: Record<string, unknown> = {};

  protected override stopReason(answer: SimAnswer): string {
    return this.stop ?? super.stopReason(answer);
  }

  protected override usage(answer: SimAnswer) {
    return { ...super.usage(answer), ...this.extraUsage };
  }
}

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

/** Runs a stream to its end or error; returns both what arrived and the error. */
async function drain(stream: AsyncIterable<StreamChunk>) {
  const seen: StreamChunk[] = [];
  const error = await (async () => {
    for await (const chunk of stream) seen.push(chunk);
  })().catch((e: unknown) => e);
  return { seen, error };
}

const text = (chunks: StreamChunk[]): string =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

describe('AnthropicProvider.chatStream over HTTP', () => {
  let sim: SimulatedProvider;
  let wire: ScriptedAnthropicWire;
  let provider: AnthropicProvider;

  beforeAll(async () => {
    wire = new ScriptedAnthropicWire();
    sim = await createSimulatedProvider({ apiKey: KEY, wire });
    const config = parseConfig(
      {
        providers: [
          { name: 'claude', type: 'anthropic', apiKey: KEY, model: MODEL, baseURL: sim.baseURL },
        ],
      },
      { env: false },
    ).providers[0] as AnthropicProviderConfig;
    provider = new AnthropicProvider(config, { clock: systemClock, logger: silentLogger });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    wire.stop = undefined;
    wire.extraUsage = {};
  });

  it('asks for a stream and yields metadata, text, finish and usage in order', async () => {
    sim.enqueue(
      fault.ok({ content: 'Hello there, friend', usage: { promptTokens: 3, completionTokens: 4 } }),
    );
    const chunks = await collect(await provider.chatStream(request, call));
    const sent = sim.requests[0];
    expect(sent?.body).toMatchObject({ stream: true, max_tokens: 4096, model: MODEL });
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(chunks[0]).toMatchObject({ type: 'response-metadata', model: MODEL });
    expect((chunks[0] as { id?: string }).id).toMatch(/^msg_/);
    expect((chunks[0] as { requestId?: string }).requestId).toMatch(/^req_sim_/);
    expect(text(chunks)).toBe('Hello there, friend');
    expect(chunks.filter((c) => c.type === 'text-delta').length).toBeGreaterThan(1);
    expect(chunks.at(-2)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(chunks.at(-1)).toEqual({
      type: 'usage',
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    });
  });

  it('yields tool-call deltas: index by tool_use order, id and name first, then argument fragments', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Let me check.',
        toolCalls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"city":"Paris"}' },
          },
          { id: 'toolu_2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      }),
    );
    const chunks = await collect(await provider.chatStream(request, call));
    const deltas = chunks.filter((c) => c.type === 'tool-call-delta');
    expect(deltas[0]).toEqual({ type: 'tool-call-delta', index: 0, id: 'toolu_1', name: 'lookup' });
    const args = (index: number) =>
      deltas
        .filter((d) => d.index === index)
        .map((d) => d.argumentsDelta ?? '')
        .join('');
    expect(args(0)).toBe('{"city":"Paris"}');
    expect(deltas.filter((d) => d.index === 0 && d.argumentsDelta).length).toBe(3);
    expect(deltas.find((d) => d.index === 1 && d.id)).toEqual({
      type: 'tool-call-delta',
      index: 1,
      id: 'toolu_2',
      name: 'time',
    });
    expect(args(1)).toBe('{}');
    expect(text(chunks)).toBe('Let me check.');
    expect(chunks).toContainEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it.each([
    ['max_tokens', 'length'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'length'],
    ['stop_sequence', 'stop'],
  ] as const)('maps the streamed stop_reason %s to %s', async (reason, unified) => {
    wire.stop = reason;
    const chunks = await collect(await provider.chatStream(request, call));
    expect(chunks).toContainEqual({ type: 'finish', finishReason: unified });
  });

  it('reports input and cache usage from message_start with the output count of message_delta', async () => {
    sim.enqueue(fault.ok({ content: 'x', usage: { promptTokens: 10, completionTokens: 9 } }));
    wire.extraUsage = { cache_read_input_tokens: 50, cache_creation_input_tokens: 5 };
    const chunks = await collect(await provider.chatStream(request, call));
    expect(chunks.at(-1)).toEqual({
      type: 'usage',
      usage: {
        promptTokens: 65,
        completionTokens: 9,
        totalTokens: 74,
        cachedPromptTokens: 50,
        cacheWriteTokens: 5,
      },
    });
  });

  it('hands the connection of a completed stream back to the pool (message_stop ends it, no abort)', async () => {
    // The body ends 30 ms after message_stop: a reader that stopped there without completing would
    // abort the transfer and the next call would need a new connection.
    const before = sim.connectionsAccepted;
    for (let i = 0; i < 5; i += 1) {
      sim.enqueue(fault.ok({ content: 'short', endDelayMs: 30 }));
      await collect(await provider.chatStream(request, call));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sim.connectionsAccepted - before).toBeLessThanOrEqual(1);
  });

  it('keeps a 4-byte character intact when the network splits it at every byte offset', async () => {
    const content = 'a😀b𝄞c';
    for (let writeBytes = 1; writeBytes <= 7; writeBytes += 1) {
      sim.enqueue(fault.ok({ content, chunks: [content], writeBytes }));
      const chunks = await collect(await provider.chatStream(request, call));
      expect(text(chunks)).toBe(content);
    }
  });

  it.each([
    [429, RateLimitError, 'rate_limit'],
    [401, AuthenticationError, 'auth'],
    [529, ProviderError, 'transient'],
  ] as const)('rejects before any chunk on HTTP %i (%s)', async (status, cls, failureClass) => {
    sim.enqueue(fault.status(status, { retryAfter: 1 }));
    const error = await provider.chatStream(request, call).catch((e: unknown) => e);
    expect(cls.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe(failureClass);
    if (status === 429) expect(error).toMatchObject({ retryAfterMs: 1000 });
  });

  it('fails with a retryable ConnectionError, never a clean end, when the connection is cut mid-stream', async () => {
    sim.enqueue(fault.streamCut(2));
    const { seen, error } = await drain(await provider.chatStream(request, call));
    expect(text(seen).length).toBeGreaterThan(0);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe('transient');
    expect(seen.some((c) => c.type === 'usage')).toBe(false);
  });

  it('aborts a stream that stalls mid-answer at the idle timeout with an explicit error', async () => {
    const config = parseConfig(
      {
        providers: [
          {
            name: 'claude',
            type: 'anthropic',
            apiKey: KEY,
            model: MODEL,
            baseURL: sim.baseURL,
            idleTimeoutMs: 150,
          },
        ],
      },
      { env: false },
    ).providers[0] as AnthropicProviderConfig;
    const impatient = new AnthropicProvider(config, { clock: systemClock, logger: silentLogger });
    sim.enqueue(fault.streamStall(2));
    const { seen, error } = await drain(await impatient.chatStream(request, call));
    expect(text(seen).length).toBeGreaterThan(0);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe('transient');
    await impatient.close();
  });

  it('throws StreamInterruptedError when the body ends cleanly without message_stop', async () => {
    sim.enqueue(fault.status(200, { body: '' }));
    const { error } = await drain(await provider.chatStream(request, call));
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('message_stop');
  });

  it('turns an overloaded error event before any output into a retryable provider error', async () => {
    sim.enqueue(fault.streamError(0, 'Overloaded'));
    const { seen, error } = await drain(await provider.chatStream(request, call));
    expect(seen.filter((c) => c.type === 'text-delta')).toHaveLength(0);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ upstreamType: 'overloaded_error', retryable: true, status: 200 });
    expect((error as Error).message).toContain('Overloaded');
    expect(classifyError(error)).toBe('transient');
  });

  it('types a mid-stream error event by its error.type', async () => {
    sim.enqueue({
      kind: 'stream-error',
      afterChunks: 2,
      type: 'rate_limit_error',
      message: 'slow down',
    });
    const { seen, error } = await drain(await provider.chatStream(request, call));
    expect(text(seen).length).toBeGreaterThan(0);
    expect(RateLimitError.isInstance(error)).toBe(true);
  });

  it('turns a malformed event into a MalformedResponseError (never an unhandled rejection)', async () => {
    sim.enqueue({ kind: 'stream-malformed', afterChunks: 1 });
    const { error } = await drain(await provider.chatStream(request, call));
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as MalformedResponseError).body).toContain('content_block_delta');
  });

  it('aborts the upstream request when the consumer breaks out', async () => {
    // 4,000 chunks 5 ms apart: 20 s if the abandoned stream were read to its end.
    sim.enqueue(fault.ok({ content: 'x'.repeat(4_000), chunkChars: 1, chunkDelayMs: 5 }));
    const stream = await provider.chatStream(request, call);
    let count = 0;
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta' && ++count === 3) break;
    }
    // The next call reuses the pool without waiting for the abandoned stream to finish.
    const started = Date.now();
    await collect(await provider.chatStream(request, call));
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 20 s, whatever the load
  });
});
