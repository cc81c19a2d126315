import { describe, expect, it } from 'vitest';
import { ContentFilterError } from '../../errors/content-filter-error.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import type { GeminiResponse } from './gemini-wire.js';
import { mapGeminiResponse, mapGeminiUsage } from './map-gemini-response.js';
import { ThoughtSignatureStore } from './thought-signature-store.js';

/**
 * The Gemini response mapping as a unit: what a candidate may lack (content, ids, usage fields),
 * thought parts, function calls with and without ids and signatures, the metadata kept, blocked
 * prompts, and finish reasons this version does not know.
 */

const SECRET = 'AIza-SECRETresponse0123456789';
const NOW = Date.UTC(2026, 11, 1, 5, 0, 0);

const context = (signatures = new ThoughtSignatureStore()) => ({
  target: { provider: 'g', model: 'gemini-test' },
  secrets: [SECRET],
  requestId: undefined as string | undefined,
  now: NOW,
  signatures,
});

const map = (response: Record<string, unknown>, ctx = context()) =>
  mapGeminiResponse(response as GeminiResponse, ctx);

describe('mapGeminiResponse', () => {
  it('a bare candidate: generated id, the configured model, created now, no content, no metadata', () => {
    const result = map({ candidates: [{ index: 0 }] });
    expect(result.id).toMatch(/^gemini-/);
    expect(result.model).toBe('gemini-test');
    expect(result.created).toBe(Math.floor(NOW / 1000));
    expect(result.content).toBeNull();
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(result).not.toHaveProperty('providerMetadata');
    expect(result).not.toHaveProperty('requestId');
    expect(result).not.toHaveProperty('toolCalls');
  });

  it('the first candidate is the one with index 0 (or none), whatever the order', () => {
    const result = map({
      responseId: 'r1',
      modelVersion: 'gemini-test-001',
      createTime: '2026-01-02T03:04:05Z',
      candidates: [
        { index: 1, content: { parts: [{ text: 'second' }] } },
        { content: { parts: [{ text: 'first' }] }, finishReason: 'STOP' },
      ],
    });
    expect(result).toMatchObject({
      id: 'r1',
      model: 'gemini-test-001',
      content: 'first',
      created: Math.floor(Date.parse('2026-01-02T03:04:05Z') / 1000),
    });
    expect(map({ createTime: 'not a date', candidates: [{}] }).created).toBe(
      Math.floor(NOW / 1000),
    );
  });

  it('thought parts are not answer text', () => {
    const result = map({
      candidates: [
        { content: { parts: [{ text: 'thinking...', thought: true }, { text: 'Answer' }] } },
      ],
    });
    expect(result.content).toBe('Answer');
  });

  it('function calls: ids generated when absent, args default to {}, signatures remembered and reported', () => {
    const signatures = new ThoughtSignatureStore();
    const result = map(
      {
        candidates: [
          {
            content: {
              parts: [
                { functionCall: { name: 'now' }, thoughtSignature: 'sig-1' },
                { functionCall: { id: 'call-2', name: 'add', args: { a: 1 } } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      },
      context(signatures),
    );
    const [first, second] = result.toolCalls ?? [];
    expect(first?.function).toEqual({ name: 'now', arguments: '{}' });
    expect(second).toEqual({
      id: 'call-2',
      type: 'function',
      function: { name: 'add', arguments: '{"a":1}' },
    });
    expect(result.finishReason).toBe('tool_calls');
    expect(signatures.get(first?.id as string)).toBe('sig-1');
    expect(result.providerMetadata?.['thoughtSignatures']).toEqual({
      [first?.id as string]: 'sig-1',
    });
  });

  it("keeps Gemini's own details: raw finish reason and message, ratings, citations, grounding", () => {
    const result = map({
      modelVersion: 'gemini-test-002',
      promptFeedback: { safetyRatings: [{ category: 'HARM', probability: 'LOW' }] },
      candidates: [
        {
          finishReason: 'SAFETY',
          finishMessage: 'blocked output',
          safetyRatings: [{ category: 'HARM', probability: 'HIGH' }],
          citationMetadata: { citations: [] },
          groundingMetadata: { webSearchQueries: ['q'] },
        },
      ],
    });
    expect(result.finishReason).toBe('content_filter');
    expect(result.providerMetadata).toEqual({
      finishReason: 'SAFETY',
      finishMessage: 'blocked output',
      safetyRatings: [{ category: 'HARM', probability: 'HIGH' }],
      citationMetadata: { citations: [] },
      groundingMetadata: { webSearchQueries: ['q'] },
      promptSafetyRatings: [{ category: 'HARM', probability: 'LOW' }],
      modelVersion: 'gemini-test-002',
    });
  });

  it('finish reasons: MAX_TOKENS is length, a failed tool call an error, unknown ones stop', () => {
    const finish = (reason: string) => map({ candidates: [{ finishReason: reason }] }).finishReason;
    expect(finish('MAX_TOKENS')).toBe('length');
    expect(finish('MALFORMED_FUNCTION_CALL')).toBe('error');
    expect(finish('RECITATION')).toBe('content_filter');
    expect(finish('A_REASON_FROM_THE_FUTURE')).toBe('stop');
  });

  it('a blocked prompt is a ContentFilterError naming the reason, its message redacted', () => {
    const ctx = { ...context(), requestId: 'req_b' };
    let error: unknown;
    try {
      map(
        {
          promptFeedback: {
            blockReason: 'PROHIBITED_CONTENT',
            blockReasonMessage: `contains ${SECRET}`,
          },
        },
        ctx,
      );
    } catch (e) {
      error = e;
    }
    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect((error as ContentFilterError).upstreamCode).toBe('PROHIBITED_CONTENT');
    expect((error as ContentFilterError).requestId).toBe('req_b');
    expect((error as Error).message).toContain(
      'prompt blocked by the provider (PROHIBITED_CONTENT): contains',
    );
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('no candidate and no block reason is a malformed response', () => {
    expect(() => map({ candidates: [] })).toThrow(MalformedResponseError);
    expect(() => map({ candidates: [{ index: 2 }] })).toThrow(/no candidate/);
  });
});

describe('mapGeminiUsage', () => {
  it('thoughts count as output; tool-use prompt tokens as input; the total as Google says', () => {
    expect(
      mapGeminiUsage({
        promptTokenCount: 10,
        toolUsePromptTokenCount: 5,
        candidatesTokenCount: 7,
        thoughtsTokenCount: 3,
        cachedContentTokenCount: 4,
        totalTokenCount: 99,
      }),
    ).toEqual({
      promptTokens: 15,
      completionTokens: 10,
      totalTokens: 99,
      cachedPromptTokens: 4,
      reasoningTokens: 3,
    });
    expect(mapGeminiUsage({ promptTokenCount: 2 })).toEqual({
      promptTokens: 2,
      completionTokens: 0,
      totalTokens: 2,
    });
    expect(mapGeminiUsage(null)).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  });
});

describe('ThoughtSignatureStore', () => {
  it('is bounded: the least recently remembered goes first', () => {
    const store = new ThoughtSignatureStore(2);
    store.remember('a', '1');
    store.remember('b', '2');
    store.remember('a', '1b'); // remembered again: now the newest
    store.remember('c', '3');
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe('1b');
    expect(store.get('c')).toBe('3');
  });
});
