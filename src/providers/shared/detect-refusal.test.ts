import { describe, expect, it } from 'vitest';
import { mapAnthropicError } from '../anthropic/map-anthropic-error.js';
import { mapGeminiError } from '../gemini/map-gemini-error.js';
import { mapOpenAIError } from '../openai/map-openai-error.js';
import type { UpstreamErrorInput } from './upstream-error.js';

const input = (status: number, body: unknown): UpstreamErrorInput => ({
  status,
  headers: {},
  text: JSON.stringify(body),
  target: { provider: 'p', model: 'm' },
  secrets: [],
  now: 0,
});

describe('provider error mappers flag refusals a route may fail over on', () => {
  it.each([
    [
      'OpenAI context_length_exceeded',
      mapOpenAIError(
        input(400, {
          error: {
            message:
              "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
            type: 'invalid_request_error',
            code: 'context_length_exceeded',
          },
        }),
      ),
      'context_length',
    ],
    [
      'Anthropic prompt is too long',
      mapAnthropicError(
        input(400, {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'prompt is too long: 210000 tokens > 200000 maximum',
          },
        }),
      ),
      'context_length',
    ],
    [
      'Gemini token limit',
      mapGeminiError(
        input(400, {
          error: {
            code: 400,
            status: 'INVALID_ARGUMENT',
            message:
              'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
          },
        }),
      ),
      'context_length',
    ],
    [
      'OpenAI content policy',
      mapOpenAIError(
        input(400, {
          error: {
            message: 'Your request was rejected as a result of our safety system.',
            type: 'invalid_request_error',
            code: 'content_policy_violation',
          },
        }),
      ),
      'content_filter',
    ],
    [
      'OpenAI model not found',
      mapOpenAIError(
        input(404, {
          error: {
            message: 'The model `gpt-9` does not exist or you do not have access to it.',
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        }),
      ),
      'model_not_found',
    ],
    [
      'Anthropic model not found',
      mapAnthropicError(
        input(404, {
          type: 'error',
          error: { type: 'not_found_error', message: 'model: claude-9' },
        }),
      ),
      'model_not_found',
    ],
  ])('%s', (_name, error, kind) => {
    expect(error.refusal).toBe(kind);
    expect(error.code).toBe('invalid_request');
    expect(error.toJSON()).toMatchObject({ refusal: kind });
  });

  it('a plain bad request, a 429 or a 5xx is no refusal', () => {
    const bad = mapOpenAIError(input(400, { error: { message: "'temperature' must be <= 2" } }));
    expect(bad.refusal).toBeUndefined();
    const limited = mapOpenAIError(
      input(429, { error: { message: 'too many tokens per minute' } }),
    );
    expect(limited.refusal).toBeUndefined();
    expect(
      mapOpenAIError(input(500, { error: { message: 'context length' } })).refusal,
    ).toBeUndefined();
  });
});
