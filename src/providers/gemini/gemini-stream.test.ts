import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type { GeminiProviderConfig } from '../../config/provider-config-schema.js';
import { ContentFilterError } from '../../errors/content-filter-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import { TimeoutError } from '../../errors/timeout-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { GeminiProvider } from './gemini-provider.js';

const KEY = 'AIza.TESTKEYstream0123456789abcdefABCDEFGH';
const MODEL = 'gemini-2.5-flash';
const call = { correlationId: 'req_test', logger: silentLogger };
const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const text = (chunks: StreamChunk[]): string =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

async function drain(stream: AsyncIterable<StreamChunk>, seen: StreamChunk[] = []) {
  return (async () => {
    for await (const chunk of stream) seen.push(chunk);
  })().catch((e: unknown) => e);
}

describe('GeminiProvider.chatStream over HTTP', () => {
  let sim: SimulatedProvider;
  let provider: GeminiProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ wire: 'gemini', apiKey: KEY });
    const config = parseConfig(
      {
        providers: [
          {
            name: 'gm',
            type: 'gemini',
            apiKey: KEY,
            model: MODEL,
            baseURL: sim.baseURL,
            idleTimeoutMs: 300,
          },
        ],
      },
      { env: false },
    ).providers[0] as GeminiProviderConfig;
    provider = new GeminiProvider(config, { clock: systemClock, logger: silentLogger });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('asks for SSE and yields metadata, text, finish, then usage once (the last)', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Hello there, friend',
        usage: { promptTokens: 3, completionTokens: 4 },
        wireExtras: { thoughtsTokenCount: 2, thought: 'thinking...' },
      }),
    );
    const chunks = await collect(await provider.chatStream(request, call));
    const sent = sim.requests[0];
    expect(sent?.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(sent?.headers.accept).toBe('text/event-stream');
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(chunks[0]).toMatchObject({ type: 'response-metadata', model: MODEL });
    expect((chunks[0] as { id?: string }).id).toMatch(/^chatcmpl-sim-/);
    // Thought summaries are not answer text; empty text parts yield nothing.
    expect(text(chunks)).toBe('Hello there, friend');
    expect(chunks.filter((c) => c.type === 'text-delta').every((c) => c.delta !== '')).toBe(true);
    expect(chunks.filter((c) => c.type === 'usage')).toHaveLength(1);
    expect(chunks.slice(-2)).toEqual([
      { type: 'finish', finishReason: 'stop' },
      {
        type: 'usage',
        usage: { promptTokens: 3, completionTokens: 6, totalTokens: 9, reasoningTokens: 2 },
      },
    ]);
  });

  it('yields each function call whole: id, name and all its arguments in one delta', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Checking.',
        toolCalls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"city":"Paris"}' },
          },
          { id: 'c2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      }),
    );
    const chunks = await collect(await provider.chatStream(request, call));
    const deltas = chunks.filter((c) => c.type === 'tool-call-delta');
    expect(deltas).toHaveLength(2);
    expect(deltas[0]).toMatchObject({
      index: 0,
      name: 'lookup',
      argumentsDelta: '{"city":"Paris"}',
    });
    expect(deltas[1]).toMatchObject({ index: 1, name: 'time', argumentsDelta: '{}' });
    const ids = deltas.map((d) => (d.type === 'tool-call-delta' ? d.id : undefined));
    expect(ids.every((id) => /^call_[0-9a-f]{24}$/.test(id ?? ''))).toBe(true);
    expect(new Set(ids).size).toBe(2);
    expect(chunks).toContainEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('maps a safety finish in a stream to content_filter', async () => {
    sim.enqueue(fault.ok({ content: 'Partial', wireExtras: { finishReason: 'RECITATION' } }));
    const chunks = await collect(await provider.chatStream(request, call));
    expect(chunks).toContainEqual({ type: 'finish', finishReason: 'content_filter' });
  });

  it('keeps 4-byte characters intact when the network splits them at every byte offset', async () => {
    const content = 'a😀b𝄞c';
    for (let writeBytes = 1; writeBytes <= 7; writeBytes += 1) {
      sim.enqueue(fault.ok({ content, chunks: [content], writeBytes }));
      const chunks = await collect(await provider.chatStream(request, call));
      expect(text(chunks)).toBe(content);
    }
  });

  it('rejects before any chunk when the upstream answers with an error status', async () => {
    sim.enqueue(fault.status(429, { retryAfter: 1, message: `quota for ${KEY}` }));
    const error = await provider.chatStream(request, call).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 1000, upstreamType: 'RESOURCE_EXHAUSTED' });
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it('throws StreamInterruptedError when the stream ends without a finishReason', async () => {
    sim.enqueue(fault.streamCut(2));
    const seen: StreamChunk[] = [];
    const error = await drain(await provider.chatStream(request, call), seen);
    expect(text(seen).length).toBeGreaterThan(0);
    expect(seen.some((c) => c.type === 'finish')).toBe(false);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).retryable).toBe(true);
  });

  it('throws StreamInterruptedError for a body that ends cleanly but early', async () => {
    const chunk = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Half an ans' }] }, index: 0 }],
    };
    sim.enqueue(fault.status(200, { body: `data: ${JSON.stringify(chunk)}\n\n` }));
    const seen: StreamChunk[] = [];
    const error = await drain(await provider.chatStream(request, call), seen);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(text(seen)).toBe('Half an ans');
  });

  it('aborts a stream that stalls past the idle timeout', async () => {
    sim.enqueue(fault.streamStall(1));
    const error = await drain(await provider.chatStream(request, call));
    expect(TimeoutError.isInstance(error)).toBe(true);
  });

  it('turns an in-stream error event into a typed, retryable provider error', async () => {
    sim.enqueue(fault.streamError(1, 'The model is overloaded.'));
    const error = await drain(await provider.chatStream(request, call));
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, upstreamType: 'UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('overloaded');
  });

  it('turns a malformed event into a MalformedResponseError', async () => {
    sim.enqueue({ kind: 'stream-malformed', afterChunks: 1 });
    const error = await drain(await provider.chatStream(request, call));
    expect(MalformedResponseError.isInstance(error)).toBe(true);
  });

  it('turns a blocked prompt into a ContentFilterError before any output', async () => {
    sim.enqueue(fault.ok({ wireExtras: { blockReason: 'PROHIBITED_CONTENT' } }));
    const seen: StreamChunk[] = [];
    const error = await drain(await provider.chatStream(request, call), seen);
    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe('caller');
    expect(seen.some((c) => c.type === 'text-delta' || c.type === 'tool-call-delta')).toBe(false);
  });

  it('aborts the upstream request when the consumer breaks out', async () => {
    // 4,000 chunks 5 ms apart: 20 s if the abandoned stream were read to its end.
    sim.enqueue(fault.ok({ content: 'x'.repeat(4_000), chunkChars: 1, chunkDelayMs: 5 }));
    const stream = await provider.chatStream(request, call);
    let count = 0;
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta' && ++count === 3) break;
    }
    const started = Date.now();
    await collect(await provider.chatStream(request, call));
    expect(Date.now() - started).toBeLessThan(10_000); // far below the 20 s, whatever the load
  });
});
