import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../provider.js';
import { convertToOpenAIRequest, type OpenAIRequestOptions } from './convert-to-openai-request.js';

/**
 * The OpenAI body built from a unified request, as a unit: file parts, reasoning as an effort,
 * and the optional fields sent only to the provider types that honour them.
 */

const OPENAI: OpenAIRequestOptions = {
  maxTokensField: 'max_completion_tokens',
  sendTopK: false,
  providerType: 'openai',
};
const COMPATIBLE: OpenAIRequestOptions = {
  maxTokensField: 'max_tokens',
  sendTopK: true,
  providerType: 'openai-compatible',
};

const ask = (extra: Partial<ProviderRequest> = {}): ProviderRequest =>
  ({ model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], ...extra }) as ProviderRequest;

describe('convertToOpenAIRequest', () => {
  it('file parts: a file id, or inline data as a data URL with a default filename', () => {
    const body = convertToOpenAIRequest(
      ask({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', fileId: 'file-1' },
              { type: 'file', mediaType: 'application/pdf', data: 'JVBE' },
              { type: 'file', mediaType: 'application/pdf', data: 'JVBF', filename: 'a.pdf' },
            ],
          },
        ],
      }),
      OPENAI,
    );
    expect((body.messages as { content: unknown }[])[0]?.content).toEqual([
      { type: 'file', file: { file_id: 'file-1' } },
      {
        type: 'file',
        file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBE' },
      },
      { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBF' } },
    ]);
  });

  it('reasoning goes as an effort; a budget alone is turned into the nearest effort', () => {
    expect(convertToOpenAIRequest(ask({ reasoning: { effort: 'high' } }), OPENAI)).toMatchObject({
      reasoning_effort: 'high',
    });
    expect(convertToOpenAIRequest(ask({ reasoning: { budgetTokens: 0 } }), OPENAI)).toMatchObject({
      reasoning_effort: 'none',
    });
    expect(
      convertToOpenAIRequest(ask({ reasoning: { budgetTokens: 2_000 } }), OPENAI).reasoning_effort,
    ).toBe('low');
  });

  it('OpenAI gets its own optional fields; compatible servers get only what they honour, plus top_k', () => {
    const request = ask({
      maxTokens: 50,
      topK: 5,
      logitBias: { '1': 2 },
      serviceTier: 'flex',
      promptCacheKey: 'k',
      safetyIdentifier: 's',
      verbosity: 'low',
    });
    const openai = convertToOpenAIRequest(request, OPENAI);
    expect(openai).toMatchObject({
      max_completion_tokens: 50,
      logit_bias: { '1': 2 },
      service_tier: 'flex',
      prompt_cache_key: 'k',
      safety_identifier: 's',
      verbosity: 'low',
    });
    expect(openai).not.toHaveProperty('top_k');
    const compatible = convertToOpenAIRequest(request, COMPATIBLE);
    expect(compatible).toMatchObject({ max_tokens: 50, top_k: 5, logit_bias: { '1': 2 } });
    for (const field of ['service_tier', 'prompt_cache_key', 'safety_identifier', 'verbosity'])
      expect(compatible).not.toHaveProperty(field);
  });

  it('tools keep only the fields given', () => {
    const body = convertToOpenAIRequest(
      ask({
        tools: [
          { type: 'function', function: { name: 'bare' } },
          {
            type: 'function',
            function: {
              name: 'full',
              description: 'd',
              parameters: { type: 'object' },
              strict: true,
            },
          },
        ],
      }),
      OPENAI,
    );
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'bare' } },
      {
        type: 'function',
        function: { name: 'full', description: 'd', parameters: { type: 'object' }, strict: true },
      },
    ]);
  });
});
