import { describe, expect, it } from 'vitest';
import {
  GEMINI_MODEL,
  call,
  request,
  lookup,
  useGeminiSim,
} from '../../../test/helpers/gemini-fixture.js';
import { ContentFilterError } from '../../errors/content-filter-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { fault } from '../../testing/faults.js';
import type { ProviderRequest } from '../provider.js';
import { SKIP_THOUGHT_SIGNATURE } from './thought-signature-store.js';

describe('GeminiProvider (Gemini API): the answer mapped back', () => {
  const gm = useGeminiSim();

  it('maps a text answer with usage, cache and thinking tokens, and safety ratings', async () => {
    const ratings = [{ category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' }];
    gm.sim.enqueue(
      fault.ok({
        content: 'Hello',
        usage: { promptTokens: 11, completionTokens: 7 },
        model: 'gemini-2.5-flash-001',
        wireExtras: {
          cachedContentTokenCount: 4,
          thoughtsTokenCount: 5,
          safetyRatings: ratings,
          thought: 'I should greet.',
        },
      }),
    );
    const result = await gm.provider.chat(request(), call);
    expect(result).toMatchObject({
      content: 'Hello',
      finishReason: 'stop',
      model: 'gemini-2.5-flash-001',
      usage: {
        promptTokens: 11,
        completionTokens: 12,
        totalTokens: 23,
        cachedPromptTokens: 4,
        reasoningTokens: 5,
      },
      providerMetadata: { finishReason: 'STOP', safetyRatings: ratings },
    });
    expect(result.id).toMatch(/^chatcmpl-sim-/);
    expect(result.toolCalls).toBeUndefined();
    expect(result.requestId).toMatch(/^req_sim_/);
  });

  it('maps function calls to tool calls with unique synthesized ids', async () => {
    gm.sim.enqueue(fault.ok({ toolCalls: [lookup('x'), lookup('y', '{"city":"Rome"}')] }));
    const result = await gm.provider.chat(request(), call);
    expect(result.finishReason).toBe('tool_calls');
    expect(result.content).toBeNull();
    const [a, b] = result.toolCalls ?? [];
    expect(a).toMatchObject({
      type: 'function',
      function: { name: 'lookup', arguments: '{"city":"Paris"}' },
    });
    expect(b?.function.arguments).toBe('{"city":"Rome"}');
    expect(a?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(b?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(a?.id).not.toBe(b?.id);
  });

  it('keeps the ids Gemini gives its function calls', async () => {
    gm.sim.enqueue(
      fault.ok({ toolCalls: [lookup('fc_upstream_1')], wireExtras: { functionCallIds: true } }),
    );
    const result = await gm.provider.chat(request(), call);
    expect(result.toolCalls?.[0]?.id).toBe('fc_upstream_1');
  });

  it('sends a function call back with the thought signature it came with', async () => {
    gm.sim.enqueue(
      fault.ok({ toolCalls: [lookup('x')], wireExtras: { thoughtSignature: 'c2lnLTE=' } }),
    );
    const first = await gm.provider.chat(request(), call);
    const id = first.toolCalls?.[0]?.id ?? '';
    expect(first.providerMetadata?.thoughtSignatures).toEqual({ [id]: 'c2lnLTE=' });
    const followUp = (model: string, extra: Partial<ProviderRequest> = {}) =>
      gm.provider.chat(
        request({
          model,
          messages: [
            { role: 'user', content: 'Weather?' },
            { role: 'assistant', content: null, toolCalls: [lookup(id), lookup('call_unknown')] },
            { role: 'tool', toolCallId: id, content: 'sunny' },
            { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
          ],
          ...extra,
        }),
        call,
      );
    const partsOf = (i: number) =>
      (gm.sim.requests[i]?.body as { contents: { parts: Record<string, unknown>[] }[] }).contents[1]
        ?.parts;
    await followUp('gemini-3-pro-preview');
    expect(partsOf(1)?.map((p) => p.thoughtSignature)).toEqual(['c2lnLTE=', undefined]);

    // A Gemini 3 model turn whose signature is unknown gets Google's documented stand-in.
    await gm.provider.chat(
      request({
        model: 'gemini-3-pro-preview',
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', toolCalls: [lookup('call_unknown'), lookup('call_other')] },
          { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
          { role: 'tool', toolCallId: 'call_other', content: 'rainy' },
        ],
      }),
      call,
    );
    expect(partsOf(2)?.map((p) => p.thoughtSignature)).toEqual([SKIP_THOUGHT_SIGNATURE, undefined]);
    // Earlier models do not validate signatures: none is invented for them.
    await followUp(GEMINI_MODEL, {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', toolCalls: [lookup('call_unknown')] },
        { role: 'tool', toolCallId: 'call_unknown', content: 'rainy' },
      ],
    });
    expect(partsOf(3)?.[0]).not.toHaveProperty('thoughtSignature');
    // Signatures kept by the caller come in through providerOptions, and are not sent as a field.
    await followUp(GEMINI_MODEL, {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', toolCalls: [lookup('call_kept')] },
        { role: 'tool', toolCallId: 'call_kept', content: 'rainy' },
      ],
      providerOptions: { gemini: { thoughtSignatures: { call_kept: 'a2VwdA==' } } },
    });
    expect(partsOf(4)?.[0]?.thoughtSignature).toBe('a2VwdA==');
    expect(gm.sim.requests[4]?.body).not.toHaveProperty('thoughtSignatures');
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['OTHER', 'stop'],
  ] as const)('maps finish reason %s to %s', async (wire, unified) => {
    gm.sim.enqueue(fault.ok({ content: 'x', wireExtras: { finishReason: wire } }));
    const result = await gm.provider.chat(request(), call);
    expect(result.finishReason).toBe(unified);
    expect(result.providerMetadata?.finishReason).toBe(wire);
  });

  it('turns a blocked prompt into a ContentFilterError that does not fail over', async () => {
    gm.sim.enqueue(fault.ok({ wireExtras: { blockReason: 'SAFETY' } }));
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ upstreamCode: 'SAFETY', retryable: false, provider: 'gm' });
    expect(classifyError(error)).toBe('caller');
  });
});
