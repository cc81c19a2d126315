import { describe, expect, it } from 'vitest';
import { ResponsesEventWriter } from './convert-to-responses-events.js';
import { decodeReasoning, encodeReasoning } from './encrypted-reasoning.js';

const writer = () => new ResponsesEventWriter('resp_1', 1, { input: 'x' }, 'm');

describe('ResponsesEventWriter', () => {
  it('opens and closes items in order: reasoning, text, then a tool call, and completes with usage', () => {
    const w = writer();
    const events = [
      ...w.start(),
      ...w.chunk({ type: 'reasoning-delta', delta: 'hm' }),
      ...w.chunk({ type: 'reasoning-delta', signature: 'sig' }),
      ...w.chunk({ type: 'text-delta', delta: 'Hi' }),
      ...w.chunk({ type: 'tool-call-delta', index: 0, id: 'c1', name: 'f' }),
      ...w.chunk({ type: 'tool-call-delta', index: 0, argumentsDelta: '{}' }),
      ...w.chunk({ type: 'finish', finishReason: 'tool_calls' }),
      ...w.chunk({
        type: 'usage',
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
      }),
      ...w.finish(),
    ];
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(
      events.map((e) => `${e.type}${'output_index' in e ? `@${String(e.output_index)}` : ''}`),
    ).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added@0',
      'response.reasoning_summary_part.added@0',
      'response.reasoning_summary_text.delta@0',
      'response.reasoning_summary_text.done@0',
      'response.reasoning_summary_part.done@0',
      'response.output_item.done@0',
      'response.output_item.added@1',
      'response.content_part.added@1',
      'response.output_text.delta@1',
      'response.output_text.done@1',
      'response.content_part.done@1',
      'response.output_item.done@1',
      'response.output_item.added@2',
      'response.function_call_arguments.delta@2',
      'response.function_call_arguments.done@2',
      'response.output_item.done@2',
      'response.completed',
    ]);
    const completed = events.at(-1)?.response as {
      output: { type: string; status?: string }[];
      usage: unknown;
    };
    expect(completed.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
    ]);
    expect(completed.output.slice(1).every((item) => item.status === 'completed')).toBe(true);
    expect(completed.usage).toMatchObject({ input_tokens: 1, output_tokens: 2, total_tokens: 3 });
  });

  it('ends a response cut by the token limit as response.incomplete', () => {
    const w = writer();
    w.chunk({ type: 'text-delta', delta: 'Hi' });
    w.chunk({ type: 'finish', finishReason: 'length' });
    const last = w.finish().at(-1);
    expect(last?.type).toBe('response.incomplete');
    expect(last?.response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
    });
  });

  it('fails with an error event then response.failed, keeping what was output', () => {
    const w = writer();
    w.chunk({ type: 'text-delta', delta: 'Hal' });
    const events = w.fail('stream_interrupted', 'cut');
    expect(events.map((e) => e.type)).toEqual(['error', 'response.failed']);
    expect(events[1]?.response).toMatchObject({
      status: 'failed',
      error: { code: 'stream_interrupted', message: 'cut' },
    });
  });
});

describe('encrypted reasoning content', () => {
  it('round-trips our blocks and ignores content it did not make', () => {
    const blocks = [
      { type: 'thinking' as const, text: 't', signature: 's' },
      { type: 'redacted-thinking' as const, data: 'd' },
    ];
    expect(decodeReasoning(encodeReasoning(blocks))).toEqual(blocks);
    expect(decodeReasoning('gAAAAB-openai-encrypted')).toBeUndefined();
    expect(decodeReasoning('flexiai.r1.not-base64-json')).toBeUndefined();
    expect(decodeReasoning(undefined)).toBeUndefined();
  });
});
