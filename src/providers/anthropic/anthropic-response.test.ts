import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type { AnthropicProviderConfig } from '../../config/provider-config-schema.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { AnthropicSimWire } from '../../testing/anthropic-sim-wire.js';
import { fault } from '../../testing/faults.js';
import type { SimAnswer } from '../../testing/sim-wire.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import { AnthropicProvider } from './anthropic-provider.js';

const KEY = 'sk-ant-api03.TESTKEYresponse0123456789abcdefABCDEF';
const MODEL = 'claude-sonnet-4-6';
const call = { correlationId: 'req_test', logger: silentLogger };
const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };

/** The Anthropic wire with what `fault.ok` cannot say: any stop_reason, cache and thinking tokens. */
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

describe('AnthropicProvider response mapping over HTTP', () => {
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

  it('maps a text answer with id, model, usage and the request-id header', async () => {
    sim.enqueue(fault.ok({ content: 'Hello', usage: { promptTokens: 11, completionTokens: 7 } }));
    const result = await provider.chat(request, call);
    expect(result).toMatchObject({
      content: 'Hello',
      finishReason: 'stop',
      model: MODEL,
      usage: { promptTokens: 11, completionTokens: 7, totalTokens: 18 },
      providerMetadata: { stopReason: 'end_turn' },
    });
    expect(result.id).toMatch(/^msg_/);
    expect(result.requestId).toMatch(/^req_sim_/);
    expect(result.toolCalls).toBeUndefined();
    expect(Math.abs(result.created - Date.now() / 1000)).toBeLessThan(5);
  });

  it('maps tool_use blocks to tool calls with their input as JSON arguments', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Checking.',
        toolCalls: [
          { id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'toolu_b', type: 'function', function: { name: 'g', arguments: '{}' } },
        ],
      }),
    );
    const result = await provider.chat(request, call);
    expect(result).toMatchObject({
      content: 'Checking.',
      finishReason: 'tool_calls',
      toolCalls: [
        { id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        { id: 'toolu_b', type: 'function', function: { name: 'g', arguments: '{}' } },
      ],
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['pause_turn', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['a_reason_from_the_future', 'stop'],
  ] as const)('maps stop_reason %s to %s and keeps the raw value', async (wireReason, unified) => {
    wire.stop = wireReason;
    const result = await provider.chat(request, call);
    expect(result.finishReason).toBe(unified);
    expect(result.providerMetadata?.stopReason).toBe(wireReason);
  });

  it('counts cache reads and writes in promptTokens and reports them apart', async () => {
    sim.enqueue(fault.ok({ content: 'x', usage: { promptTokens: 10, completionTokens: 5 } }));
    wire.extraUsage = {
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 20,
      output_tokens_details: { thinking_tokens: 3 },
    };
    const { usage } = await provider.chat(request, call);
    expect(usage).toEqual({
      promptTokens: 130,
      completionTokens: 5,
      totalTokens: 135,
      cachedPromptTokens: 100,
      cacheWriteTokens: 20,
      reasoningTokens: 3,
    });
  });

  it('joins text blocks and leaves thinking and unknown blocks out', async () => {
    const body = JSON.stringify({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 'sig' },
        { type: 'text', text: 'Part one, ' },
        { type: 'server_tool_use', id: 'srv_1', name: 'web_search', input: {} },
        { type: 'text', text: 'part two.' },
      ],
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
      usage: { input_tokens: 4, output_tokens: 6 },
      a_field_from_the_future: true,
    });
    sim.enqueue(fault.status(200, { body, headers: { 'request-id': 'req_raw' } }));
    const result = await provider.chat(request, call);
    expect(result).toMatchObject({
      id: 'msg_1',
      content: 'Part one, part two.',
      finishReason: 'stop',
      requestId: 'req_raw',
      usage: { promptTokens: 4, completionTokens: 6, totalTokens: 10 },
      providerMetadata: { stopReason: 'stop_sequence', stopSequence: 'END' },
    });
    expect(result.toolCalls).toBeUndefined();
  });

  it('gives null content for an answer with no text block', async () => {
    sim.enqueue(
      fault.ok({
        content: null,
        toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }],
      }),
    );
    expect((await provider.chat(request, call)).content).toBeNull();
  });
});
