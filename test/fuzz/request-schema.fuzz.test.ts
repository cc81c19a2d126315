import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../src/client/parse-chat-request.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { convertFromOpenAIRequest } from '../../src/gateway/convert-from-openai-request.js';
import { openAIChatRequestSchema } from '../../src/gateway/openai-chat-request-schema.js';
import { REQUEST_LIMITS } from '../../src/types/request-limits.js';
import { clientBody, jsonValue, libraryRequest } from './arbitraries.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';

/**
 * Invariants of the request boundary, on arbitrary input: validation ends in a parsed request or a
 * ValidationError naming a field (never another error, never a stack overflow), and whatever
 * passes is within REQUEST_LIMITS and serializes.
 */
function validates(input: unknown): 'ok' | 'invalid' {
  try {
    const parsed = parseChatRequest(input);
    JSON.stringify(parsed); // whatever passes can be serialized
    return 'ok';
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    return 'invalid';
  }
}

describe('fuzz: the request schema', () => {
  it(
    'parseChatRequest: any value is a parsed request or a ValidationError',
    () => {
      fc.assert(
        fc.property(fc.oneof(jsonValue, fc.anything({ maxDepth: 4 }), libraryRequest), (input) => {
          validates(input);
        }),
        fuzzParams(400),
      );
    },
    fuzzTimeout(20_000),
  );

  it(
    'the gateway schema: any body is refused with issues, or converts to a request the library validates',
    () => {
      fc.assert(
        fc.property(fc.oneof(clientBody, jsonValue), (body) => {
          const parsed = openAIChatRequestSchema.safeParse(body);
          if (!parsed.success) {
            expect(parsed.error.issues.length).toBeGreaterThan(0);
            return;
          }
          const model = parsed.data.model;
          if (model !== undefined)
            expect(model.length).toBeLessThanOrEqual(REQUEST_LIMITS.maxIdentifierLength);
          validates({ ...convertFromOpenAIRequest(parsed.data), correlationId: 'fuzz' });
        }),
        fuzzParams(400),
      );
    },
    fuzzTimeout(20_000),
  );
});
