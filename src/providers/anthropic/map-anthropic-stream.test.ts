import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { StreamInterruptedError } from '../../errors/stream-interrupted-error.js';
import type { SseEvent } from '../../transport/decode-sse.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { mapAnthropicStream, type AnthropicStreamContext } from './map-anthropic-stream.js';

/**
 * The Anthropic event mapping as a unit, over the event sequences the real API sends (thinking
 * with signatures, redacted thinking, tools with and without input, pings) and the ones it should
 * not (no message_start, no message_delta, an error event without a body, a truncated stream).
 */

const SECRET = 'sk-ant-SECRETstream0123456789abcdef';

const event = (type: string, data: Record<string, unknown> = {}): SseEvent => ({
  event: type,
  data: JSON.stringify({ type, ...data }),
  id: undefined,
});

const start = (message: Record<string, unknown> = { id: 'msg_1', model: 'claude-x' }) =>
  event('message_start', { message });
const stop = () => event('message_stop');
const blockStart = (index: number, block: Record<string, unknown>) =>
  event('content_block_start', { index, content_block: block });
const blockDelta = (index: number, delta: Record<string, unknown>) =>
  event('content_block_delta', { index, delta });
const messageDelta = (stopReason: string | null, usage: Record<string, unknown> = {}) =>
  event('message_delta', { delta: { stop_reason: stopReason }, usage });

async function run(
  events: SseEvent[],
  extra: Partial<AnthropicStreamContext> = {},
): Promise<{ chunks: StreamChunk[]; error: unknown }> {
  const context: AnthropicStreamContext = {
    target: { provider: 'p', model: 'm' },
    secrets: [SECRET],
    requestId: 'req_1',
    now: () => 0,
    ...extra,
  };
  const chunks: StreamChunk[] = [];
  async function* source() {
    yield* events;
  }
  const error = await (async () => {
    for await (const chunk of mapAnthropicStream(source(), context)) chunks.push(chunk);
  })().catch((e: unknown) => e);
  return { chunks, error };
}

describe('mapAnthropicStream', () => {
  it('thinking, its signature and redacted thinking become reasoning deltas; empty ones nothing', async () => {
    const { chunks, error } = await run([
      start(),
      blockStart(0, { type: 'thinking', thinking: '' }),
      blockDelta(0, { type: 'thinking_delta', thinking: 'Let me see. ' }),
      blockDelta(0, { type: 'thinking_delta', thinking: '' }),
      blockDelta(0, { type: 'signature_delta', signature: 'sig-abc' }),
      blockDelta(0, { type: 'signature_delta', signature: '' }),
      blockStart(1, { type: 'thinking', thinking: 'Already started.' }),
      blockStart(2, { type: 'redacted_thinking', data: 'opaque-bytes' }),
      blockStart(3, { type: 'redacted_thinking', data: '' }),
      blockStart(4, { type: 'text', text: 'Hi' }),
      blockDelta(4, { type: 'text_delta', text: '' }),
      blockDelta(4, { type: 'text_delta', text: ' there' }),
      messageDelta('end_turn', { output_tokens: 9 }),
      stop(),
    ]);
    expect(error).toBeUndefined();
    expect(chunks.filter((c) => c.type !== 'response-metadata' && c.type !== 'usage')).toEqual([
      { type: 'reasoning-delta', delta: 'Let me see. ' },
      { type: 'reasoning-delta', signature: 'sig-abc' },
      { type: 'reasoning-delta', delta: 'Already started.' },
      { type: 'reasoning-delta', redactedData: 'opaque-bytes' },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'text-delta', delta: ' there' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('tools: input given at block start is sent whole; a tool without input gets {}; stray fragments are ignored', async () => {
    const { chunks } = await run([
      start(),
      blockStart(0, { type: 'tool_use', id: 'tu_1', name: 'lookup', input: { q: 'x' } }),
      event('content_block_stop', { index: 0 }),
      blockStart(1, { type: 'tool_use', id: 'tu_2', name: 'now', input: {} }),
      blockDelta(1, { type: 'input_json_delta', partial_json: '' }),
      event('content_block_stop', { index: 1 }),
      // A fragment for a block that is not a tool, and a stop without an index.
      blockDelta(7, { type: 'input_json_delta', partial_json: '{"a":1}' }),
      event('content_block_stop', {}),
      messageDelta('tool_use'),
      stop(),
    ]);
    expect(chunks.filter((c) => c.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', index: 0, id: 'tu_1', name: 'lookup' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"q":"x"}' },
      { type: 'tool-call-delta', index: 1, id: 'tu_2', name: 'now' },
      { type: 'tool-call-delta', index: 1, argumentsDelta: '{}' },
    ]);
    expect(chunks).toContainEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('pings, unknown event types and a repeated message_start yield nothing', async () => {
    const { chunks, error } = await run([
      { event: 'ping', data: '{"type":"ping"}', id: undefined },
      start(),
      event('ping'),
      start(),
      event('content_block_future', { index: 0 }),
      blockDelta(0, { type: 'citations_delta', citation: {} }),
      blockStart(0, { type: 'server_tool_use', id: 'x' }),
      messageDelta('end_turn'),
      stop(),
    ]);
    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.type)).toEqual(['response-metadata', 'finish', 'usage']);
  });

  it('a stream without message_start still gets metadata; without a stop reason it finishes as stop', async () => {
    const { chunks } = await run(
      [blockStart(0, { type: 'text', text: 'x' }), messageDelta(null), stop()],
      { requestId: undefined },
    );
    expect(chunks[0]).toEqual({ type: 'response-metadata' });
    expect(chunks.slice(1, 3)).toEqual([
      { type: 'text-delta', delta: 'x' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(chunks.at(-1)?.type).toBe('usage');
  });

  it('message_start without id, model or usage: metadata carries only the request id', async () => {
    const { chunks } = await run([start({}), stop()]);
    expect(chunks[0]).toEqual({ type: 'response-metadata', requestId: 'req_1' });
  });

  it('message_stop tells the transport the protocol ended', async () => {
    let completed = 0;
    await run([start(), stop()], { complete: () => (completed += 1) });
    expect(completed).toBe(1);
  });

  it('an error object mid-stream is typed by its error.type, its key redacted', async () => {
    const { chunks, error } = await run([
      start(),
      blockStart(0, { type: 'text', text: 'partial' }),
      event('error', {
        error: { type: 'authentication_error', message: `invalid x-api-key ${SECRET}` },
      }),
    ]);
    expect(chunks.map((c) => c.type)).toEqual(['response-metadata', 'text-delta']);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('an error event whose body is not an Anthropic error is still a provider failure', async () => {
    const { error } = await run([
      start(),
      { event: 'error', data: JSON.stringify({ detail: 'upstream reset' }), id: undefined },
    ]);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect((error as ProviderError).message).toContain('error event in the stream');
    expect((error as ProviderError).requestId).toBe('req_1');
    expect((error as ProviderError).retryable).toBe(true);
  });

  it('a known event of the wrong shape is a MalformedResponseError; so is a line that is not JSON', async () => {
    const wrong = await run([start(), event('content_block_delta', { index: 'zero' })]);
    expect(MalformedResponseError.isInstance(wrong.error)).toBe(true);
    const notJson = await run([start(), { event: 'message_delta', data: '{oops', id: undefined }]);
    expect(MalformedResponseError.isInstance(notJson.error)).toBe(true);
    const untyped = await run([{ event: 'message', data: '{"no":"type"}', id: undefined }]);
    expect(MalformedResponseError.isInstance(untyped.error)).toBe(true);
  });

  it('a stream that ends before message_stop is interrupted, never a clean end', async () => {
    const { chunks, error } = await run([
      start(),
      blockStart(0, { type: 'text', text: 'half' }),
      messageDelta('end_turn'),
    ]);
    expect(chunks.map((c) => c.type)).toEqual(['response-metadata', 'text-delta', 'finish']);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).requestId).toBe('req_1');
  });

  it('an unknown stop reason finishes as stop, and only the first stop reason counts', async () => {
    const { chunks } = await run([
      start(),
      messageDelta('some_new_reason'),
      messageDelta('end_turn'),
      stop(),
    ]);
    const finishes = chunks.filter((c) => c.type === 'finish');
    expect(finishes).toHaveLength(1);
    expect(finishes[0]).toEqual({ type: 'finish', finishReason: 'stop' });
  });
});
