import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { mapOpenAIStream, type OpenAIStreamContext } from './map-openai-stream.js';

/**
 * The OpenAI chunk mapping as a unit, over what compatible servers send besides OpenAI's own
 * sequence: no ids, usage-only chunks, several choices, empty tool deltas, no `[DONE]`.
 */

const data = (payload: unknown): SseEvent => ({
  event: undefined,
  data: typeof payload === 'string' ? payload : JSON.stringify(payload),
  id: undefined,
});
const DONE = data('[DONE]');
const choice = (delta: Record<string, unknown>, finish: string | null = null, index = 0) => ({
  index,
  delta,
  finish_reason: finish,
});

async function run(
  events: SseEvent[],
  extra: Partial<OpenAIStreamContext> = {},
): Promise<{ chunks: StreamChunk[]; error: unknown }> {
  const context: OpenAIStreamContext = {
    target: { provider: 'p', model: 'm' },
    secrets: [],
    requestId: undefined,
    now: () => 0,
    ...extra,
  };
  async function* source() {
    yield* events;
  }
  const chunks: StreamChunk[] = [];
  const error = await (async () => {
    for await (const chunk of mapOpenAIStream(source(), context)) chunks.push(chunk);
  })().catch((e: unknown) => e);
  return { chunks, error };
}

describe('mapOpenAIStream', () => {
  it('a chunk without id or model gives bare metadata; a usage-only chunk gives usage', async () => {
    const { chunks, error } = await run([
      data({ choices: [choice({ role: 'assistant', content: 'Hi' })] }),
      data({ choices: [choice({}, 'stop')] }),
      data({ usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }),
      DONE,
    ]);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([
      { type: 'response-metadata' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'finish', finishReason: 'stop' },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 } },
    ]);
  });

  it('only the first choice is read (n > 1 servers); choices without an index count as the first', async () => {
    const { chunks } = await run([
      data({
        id: 'c1',
        model: 'gpt-x',
        choices: [choice({ content: 'one' }), choice({ content: 'two' }, null, 1)],
      }),
      data({ choices: [{ delta: { content: '!' }, finish_reason: 'length' }] }),
      DONE,
    ]);
    expect(chunks).toEqual([
      { type: 'response-metadata', id: 'c1', model: 'gpt-x' },
      { type: 'text-delta', delta: 'one' },
      { type: 'text-delta', delta: '!' },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('tool call deltas: id and name first, then argument fragments; empty deltas are skipped', async () => {
    const { chunks } = await run([
      data({
        choices: [
          choice({
            tool_calls: [
              { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
            ],
          }),
        ],
      }),
      data({ choices: [choice({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] })] }),
      data({ choices: [choice({ tool_calls: [{ index: 0, function: {} }, { index: 0 }] })] }),
      data({ choices: [choice({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] })] }),
      data({ choices: [choice({}, 'function_call')] }),
      DONE,
    ]);
    expect(chunks.slice(1)).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"a"' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: ':1}' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('[DONE] tells the transport the protocol ended; a server that omits it still ends cleanly after a finish', async () => {
    let completed = 0;
    await run([data({ choices: [choice({}, 'stop')] }), DONE], {
      complete: () => (completed += 1),
    });
    expect(completed).toBe(1);
    const noDone = await run([data({ choices: [choice({ content: 'x' }, 'stop')] })]);
    expect(noDone.error).toBeUndefined();
    expect(noDone.chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('an end with neither a finish nor [DONE] is an interrupted stream', async () => {
    const { chunks, error } = await run([data({ choices: [choice({ content: 'half' })] })]);
    expect(chunks.map((c) => c.type)).toEqual(['response-metadata', 'text-delta']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
  });

  it('an error object in the stream, carrying the request id', async () => {
    const { error } = await run(
      [data({ choices: [choice({ content: 'a' })] }), data({ error: { message: 'overloaded' } })],
      { requestId: 'req_9' },
    );
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).message).toContain('error event in the stream: overloaded');
    expect((error as ProviderError).requestId).toBe('req_9');
  });

  it('a line that is not JSON, or not a chunk, is a MalformedResponseError', async () => {
    const notJson = await run([data('{"choices": [')]);
    expect(MalformedResponseError.isInstance(notJson.error)).toBe(true);
    const notChunk = await run([data({ choices: 'none' })]);
    expect(MalformedResponseError.isInstance(notChunk.error)).toBe(true);
    expect((notChunk.error as Error).message).toContain('a chat completion chunk');
  });

  it('unknown finish reasons are a plain stop; an error finish is an error', async () => {
    const unknown = await run([data({ choices: [choice({}, 'eos_token')] }), DONE]);
    expect(unknown.chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    const failed = await run([data({ choices: [choice({}, 'error')] }), DONE]);
    expect(failed.chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'error' });
  });
});
