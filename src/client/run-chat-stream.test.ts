import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import { RETRY, unitFleet } from '../../test/helpers/unit-fleet.js';
import { ChatStream } from './chat-stream.js';
import { runChatStream } from './run-chat-stream.js';

const delta = (text: string): StreamChunk => ({ type: 'text-delta', delta: text });
const usage: StreamChunk = {
  type: 'usage',
  usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 },
};

function streamOver(fleet: ReturnType<typeof unitFleet>) {
  const run = fleet.newRun('stream');
  const stream = new ChatStream((controller) =>
    runChatStream(
      {
        candidates: fleet.candidates,
        retry: RETRY,
        clock: fleet.clock,
        random: () => 0.5,
        settler: fleet.settler,
        run,
        request: { messages: [{ role: 'user', content: 'x' }] },
        signal: undefined,
      },
      controller,
    ),
  );
  return { run, stream };
}

async function read(stream: ChatStream): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.delta;
    return { text };
  } catch (error) {
    return { text, error };
  }
}

describe('runChatStream (no sockets)', () => {
  it('fails over invisibly before the first output, then settles the serving call once, with usage', async () => {
    const fleet = unitFleet(['a', 'b']);
    fleet.providers[0]?.next({
      chunks: [{ type: 'response-metadata', id: 'x' }],
      thenThrow: new ProviderError('cut', { provider: 'a', model: 'model-a', status: 502 }),
    });
    fleet.providers[1]?.next({ chunks: [delta('hel'), delta('lo'), usage] });
    const { stream } = streamOver(fleet);
    const { text, error } = await read(stream);
    expect(error).toBeUndefined();
    expect(text).toBe('hello');
    expect(stream.committed).toMatchObject({ provider: 'b' });
    // The serving call counts in the commit info (the gateway's x-flexiai-attempts).
    expect(stream.committed?.attempts.filter((a) => !a.skipped)).toHaveLength(2);
    const final = await stream.finalResponse();
    expect(final.usage).toEqual({ promptTokens: 4, completionTokens: 2, totalTokens: 6 });
    expect(final.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(fleet.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ['a', 'error'],
      ['b', 'ok'],
    ]);
    expect(fleet.attempts[1]?.usage).toEqual(final.usage);
    expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(1);
  });

  it('a failure after output ends in StreamInterruptedError with the partial text, counted once', async () => {
    const fleet = unitFleet(['a', 'b']);
    fleet.providers[0]?.next({
      chunks: [delta('part')],
      thenThrow: new ProviderError('reset', { provider: 'a', model: 'model-a' }),
    });
    const { stream } = streamOver(fleet);
    const { text, error } = await read(stream);
    expect(text).toBe('part');
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).partial?.content).toBe('part');
    expect(fleet.providers[1]?.calls).toBe(0);
    expect(fleet.attempts.map((a) => [a.provider, a.outcome, a.failureClass])).toEqual([
      ['a', 'error', 'transient'],
    ]);
    expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(1);
  });

  it('a consumer that stops early costs the provider nothing (aborted, circuit untouched)', async () => {
    const fleet = unitFleet(['a']);
    fleet.providers[0]?.next({ chunks: [delta('one'), delta('two'), delta('three')] });
    const { stream } = streamOver(fleet);
    for await (const _chunk of stream) break;
    expect(fleet.attempts.map((a) => [a.outcome, a.failureClass])).toEqual([['error', 'aborted']]);
    expect(fleet.slots[0]?.breaker.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
    await expect(stream.finalResponse()).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('ChatStream factories', () => {
  it('fromResponse replays a response: commit at once, same text, tool calls, usage and finish', async () => {
    const response = {
      id: 'r1',
      created: 1,
      model: 'm',
      content: 'hi',
      toolCalls: [
        { id: 't1', type: 'function' as const, function: { name: 'f', arguments: '{"a":1}' } },
      ],
      finishReason: 'tool_calls' as const,
      usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      provider: 'p',
      attempts: [],
      latencyMs: 1,
      correlationId: 'req_x',
    };
    const stream = ChatStream.fromResponse(response);
    const chunks: StreamChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(stream.committed).toEqual({ provider: 'p', model: 'm', attempts: [] });
    expect(chunks.map((c) => c.type)).toEqual([
      'response-metadata',
      'text-delta',
      'tool-call-delta',
      'usage',
      'finish',
    ]);
    expect(await stream.finalResponse()).toBe(response);
  });

  it('fromChunks folds the chunks into the final response; observe sees each chunk and the end', async () => {
    const seen: string[] = [];
    let ended = '';
    const stream = ChatStream.fromChunks([delta('a'), delta('b'), usage], {
      provider: 'p',
      model: 'm',
      correlationId: 'req_y',
    }).observe({
      onChunk: (c) => seen.push(c.type),
      onEnd: (r) => (ended = r.content ?? ''),
      // An observer that throws never breaks the stream.
      onError: () => {
        throw new Error('ignored');
      },
    });
    const final = await stream.finalResponse();
    expect(final).toMatchObject({ content: 'ab', provider: 'p', correlationId: 'req_y' });
    expect(final.usage.totalTokens).toBe(6);
    expect(seen).toEqual(['text-delta', 'text-delta', 'usage']);
    expect(ended).toBe('ab');
    expect(stream.committed?.provider).toBe('p');
  });

  it('defer builds the stream later; aborting the outer stream aborts the inner one', async () => {
    let innerAborted = false;
    const inner = new ChatStream(async function* (controller) {
      controller.signal.addEventListener('abort', () => (innerAborted = true));
      yield delta('x');
      if (!controller.signal.aborted) {
        await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
      }
      throw controller.signal.reason;
    });
    const outer = ChatStream.defer(async () => inner);
    const iterator = outer[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(delta('x'));
    outer.abort();
    await expect(iterator.next()).rejects.toMatchObject({ code: 'aborted' });
    expect(innerAborted).toBe(true);
  });
});
