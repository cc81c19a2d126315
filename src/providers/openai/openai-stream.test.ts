import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type {
  OpenAICompatibleProviderConfig,
  OpenAIProviderConfig,
} from '../../config/provider-config-schema.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { OpenAIProvider } from './openai-provider.js';

const KEY = 'sk-proj-TESTKE.Ystream0123456789abcdefABCDEF';
const call = { correlationId: 'req_test', logger: silentLogger };
const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }] };

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const text = (chunks: StreamChunk[]): string =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

describe.each(['openai', 'openai-compatible'] as const)(
  'OpenAIProvider.chatStream (%s) over HTTP',
  (type) => {
    let sim: SimulatedProvider;
    let provider: OpenAIProvider;

    beforeAll(async () => {
      sim = await createSimulatedProvider({ apiKey: KEY });
      const config = parseConfig(
        {
          providers: [
            { name: 'oa', type, apiKey: KEY, model: 'gpt-4o-mini', baseURL: sim.baseURL },
          ],
        },
        { env: false },
      ).providers[0] as OpenAIProviderConfig | OpenAICompatibleProviderConfig;
      provider = new OpenAIProvider(config, { clock: systemClock, logger: silentLogger });
    });
    afterAll(async () => {
      await provider.close();
      await sim.close();
    });
    beforeEach(() => sim.reset());

    it('asks for a stream with usage and yields text, finish and usage', async () => {
      sim.enqueue(
        fault.ok({
          content: 'Hello there, friend',
          usage: { promptTokens: 3, completionTokens: 4 },
        }),
      );
      const chunks = await collect(await provider.chatStream(request, call));
      expect(sim.requests[0]?.body).toMatchObject({
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(chunks[0]).toMatchObject({ type: 'response-metadata', model: 'gpt-4o-mini' });
      expect(text(chunks)).toBe('Hello there, friend');
      expect(chunks).toContainEqual({ type: 'finish', finishReason: 'stop' });
      expect(chunks.at(-1)).toEqual({
        type: 'usage',
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      });
    });

    it('yields tool-call deltas with index, id, name and argument fragments', async () => {
      sim.enqueue(
        fault.ok({
          toolCalls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"city":"Paris"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
          ],
        }),
      );
      const chunks = await collect(await provider.chatStream(request, call));
      const deltas = chunks.filter((c) => c.type === 'tool-call-delta');
      expect(deltas[0]).toEqual({
        type: 'tool-call-delta',
        index: 0,
        id: 'call_1',
        name: 'lookup',
      });
      const args0 = deltas
        .filter((d) => d.type === 'tool-call-delta' && d.index === 0)
        .map((d) => (d.type === 'tool-call-delta' ? (d.argumentsDelta ?? '') : ''))
        .join('');
      expect(args0).toBe('{"city":"Paris"}');
      expect(
        deltas.some((d) => d.type === 'tool-call-delta' && d.index === 1 && d.name === 'time'),
      ).toBe(true);
      expect(chunks).toContainEqual({ type: 'finish', finishReason: 'tool_calls' });
    });

    it.each(['stop', 'length', 'content_filter'] as const)(
      'maps the streamed finish_reason %s',
      async (finishReason) => {
        sim.enqueue(fault.ok({ content: 'x', finishReason }));
        const chunks = await collect(await provider.chatStream(request, call));
        expect(chunks).toContainEqual({ type: 'finish', finishReason });
      },
    );

    it('keeps a 4-byte character intact when the network splits it at every byte offset', async () => {
      const content = 'a😀b𝄞c';
      for (let writeBytes = 1; writeBytes <= 7; writeBytes += 1) {
        sim.enqueue(fault.ok({ content, chunks: [content], writeBytes }));
        const chunks = await collect(await provider.chatStream(request, call));
        expect(text(chunks)).toBe(content);
      }
    });

    it('rejects before any chunk when the upstream answers with an error status', async () => {
      sim.enqueue(fault.status(429, { retryAfter: 1 }));
      const error = await provider.chatStream(request, call).catch((e: unknown) => e);
      expect(RateLimitError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ retryAfterMs: 1000 });
    });

    it('throws StreamInterruptedError when the stream is cut before its end', async () => {
      sim.enqueue(fault.streamCut(2));
      const stream = await provider.chatStream(request, call);
      const seen: StreamChunk[] = [];
      const error = await (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })().catch((e: unknown) => e);
      expect(text(seen).length).toBeGreaterThan(0);
      expect(ProviderError.isInstance(error)).toBe(true);
      expect((error as ProviderError).retryable).toBe(true);
    });

    it('turns an in-stream error event into a provider error', async () => {
      sim.enqueue(fault.streamError(0, 'Overloaded'));
      const error = await collect(await provider.chatStream(request, call)).catch(
        (e: unknown) => e,
      );
      expect(ProviderError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('Overloaded');
    });

    it('turns a malformed event into a MalformedResponseError (never an unhandled rejection)', async () => {
      sim.enqueue({ kind: 'stream-malformed', afterChunks: 1 });
      const error = await collect(await provider.chatStream(request, call)).catch(
        (e: unknown) => e,
      );
      expect(MalformedResponseError.isInstance(error)).toBe(true);
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
      expect(StreamInterruptedError.errorName).toBe('StreamInterruptedError');
    });
  },
);
