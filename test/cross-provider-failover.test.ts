import { afterEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { FlexiAIError } from '../src/errors/flexiai-error.js';
import { fault } from '../src/testing/faults.js';
import type { Attempt } from '../src/types/attempt.js';
import type { StreamChunk } from '../src/types/stream-chunk.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

/** Each attempt as `provider:ErrorName(status)`, or `provider:ok`. */
const causes = (attempts: readonly Attempt[]): string[] =>
  attempts.map((a) =>
    a.ok
      ? `${a.provider}:ok`
      : `${a.provider}:${a.error?.name}${a.status === undefined ? '' : `(${a.status})`}`,
  );

async function drain(
  stream: AsyncIterable<StreamChunk>,
): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.delta;
    return { text };
  } catch (error) {
    return { text, error };
  }
}

/** openai (a) -> anthropic (b) -> vertexai (c), each over its own wire with its canary credential. */
describe('failover across three provider types: OpenAI -> Anthropic -> Vertex AI', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  const make = (maxAttempts = 1) =>
    createFleet(['openai', 'anthropic', 'vertexai'], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, firstByteTimeoutMs: 250 })),
      retry: { ...c.retry, maxAttempts },
    }));

  it('serves from Vertex AI after OpenAI and Anthropic fail, every cause recorded in order', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.status(500));
    fleet.sims[1]?.enqueue(fault.status(529, { message: 'Overloaded' }));
    const res = await fleet.ai.chatCompletion(userMessage('three'));
    expect(res).toMatchObject({ provider: 'c', model: 'model-c', content: '(c) You said: three' });
    expect(causes(res.attempts)).toEqual(['a:ProviderError(500)', 'b:ProviderError(529)', 'c:ok']);
    expect(res.attempts[1]?.error?.message).toContain('Overloaded');
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 1, 1]);
    expect(fleet.sims[2]?.requests[0]?.path).toBe(
      '/v1/projects/flexiai-test/locations/us-central1/publishers/google/models/model-c:generateContent',
    );
  });

  it('records a different failure kind on each wire, then serves', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.reset());
    fleet.sims[1]?.enqueue(fault.errorIn200('overloaded'));
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(causes(res.attempts)).toEqual(['a:ConnectionError', 'b:ProviderError(200)', 'c:ok']);
  });

  it('every provider failing ends in one AllProvidersFailedError listing each cause in order', async () => {
    fleet = await make(2);
    fleet.sims[0]?.setDefault(fault.status(503));
    fleet.sims[1]?.enqueue(fault.malformed(), fault.hang());
    fleet.sims[2]?.enqueue(fault.status(500), fault.errorIn200());
    const error = await fleet.ai.chatCompletion(userMessage()).catch((e: unknown) => e);
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    const all = error as AllProvidersFailedError;
    expect(causes(all.attempts)).toEqual([
      'a:ProviderError(503)',
      'b:MalformedResponseError(200)',
      'c:ProviderError(500)',
      'a:ProviderError(503)',
      'b:TimeoutError',
      // Gemini's error inside a 200 is classed by the code it carries (500 INTERNAL).
      'c:ProviderError(500)',
    ]);
    expect(all.attempts.at(-1)?.error?.message).toContain('error inside a 200');
    expect(all.cause).toBe(all.attempts.at(-1)?.error);
    // The message lists every outcome, in order.
    const lines = all.message.split('\n').slice(1);
    expect(lines.map((l) => l.trim().slice(2, 3))).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(JSON.parse(JSON.stringify(all)).attempts).toHaveLength(6);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([2, 2, 2]);
  });

  it('streamed: fails over before the first output from OpenAI and Anthropic to Vertex AI', async () => {
    fleet = await make();
    fleet.sims[0]?.enqueue(fault.status(503));
    fleet.sims[1]?.enqueue(fault.streamError(0, 'Overloaded'));
    fleet.sims[2]?.enqueue(fault.ok({ content: 'vertex streams this' }));
    const stream = fleet.ai.chatCompletionStream(userMessage());
    const { text, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(text).toBe('vertex streams this');
    const final = await stream.finalResponse();
    expect(final.provider).toBe('c');
    expect(causes(final.attempts)).toEqual([
      'a:ProviderError(503)',
      'b:ProviderError(200)',
      'c:ok',
    ]);
    expect(stream.committed?.provider).toBe('c');
    expect(fleet.sims[2]?.requests[0]?.url).toMatch(/:streamGenerateContent\?alt=sse$/);
  });

  it('streamed: every provider failing before output throws one AllProvidersFailedError, causes in order', async () => {
    fleet = await make(2);
    fleet.sims[0]?.enqueue(fault.streamCut(0), fault.status(500));
    fleet.sims[1]?.enqueue(fault.status(529), fault.streamError(0));
    fleet.sims[2]?.enqueue(
      { kind: 'stream-malformed', afterChunks: 0 },
      fault.streamError(0, 'unavailable'),
    );
    const { text, error } = await drain(fleet.ai.chatCompletionStream(userMessage()));
    expect(text).toBe('');
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    const all = error as AllProvidersFailedError;
    expect(causes(all.attempts)).toEqual([
      'a:ConnectionError',
      'b:ProviderError(529)',
      'c:MalformedResponseError(200)',
      'a:ProviderError(500)',
      'b:ProviderError(200)',
      'c:ProviderError(503)',
    ]);
    expect(all.attempts.every((a) => FlexiAIError.isInstance(a.error))).toBe(true);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([2, 2, 2]);
  });
});
