import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderType } from '../../src/config/provider-config-schema.js';
import { FlexiAIError } from '../../src/errors/flexiai-error.js';
import { classifyError } from '../../src/errors/is-retryable.js';
import { errorSurface, expectNoCanary } from '../helpers/canary.js';
import { createFleet, KEY_OF, PROVIDER_TYPES, type Fleet } from '../helpers/sim-fleet.js';
import { libraryRequest, nastyString } from './arbitraries.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';

/**
 * Invariants of every adapter, on arbitrary requests and arbitrary upstream answers:
 * - a request ends in a result or a FlexiAI error; anything wrong with the request is the caller's
 *   (ValidationError / caller class), so client input never counts against the circuit;
 * - any upstream answer (any status, any JSON, errors echoing the key in any field) ends in a
 *   result or a FlexiAI error that holds no trace of the provider's key.
 */
const fleets = new Map<ProviderType, Fleet>();

beforeAll(async () => {
  for (const type of PROVIDER_TYPES) {
    fleets.set(
      type,
      await createFleet([type], (c) => ({
        ...c,
        retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
        circuitBreaker: { failureThreshold: 1_000_000, recoveryTimeoutMs: 1 },
      })),
    );
  }
});

afterAll(async () => {
  await Promise.all([...fleets.values()].map((f) => f.close()));
});

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

const drain = async (stream: AsyncIterable<unknown>): Promise<void> => {
  for await (const _ of stream) void _;
};

/** An upstream body echoing `key` anywhere an error may carry text. */
const upstreamBody = (key: string) => {
  const text = fc.oneof(nastyString, fc.constant(key), fc.constant(`x ${key} y`));
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.integer({ min: 1, max: 50_000 }).map((d) => `{"error":${'['.repeat(d)}${']'.repeat(d)}}`),
    fc.integer({ min: 1, max: 50_000 }).map((d) => `{"choices":${'['.repeat(d)}${']'.repeat(d)}}`),
    fc
      .record({ message: text, type: text, code: text, status: text, param: text })
      .map((error) => JSON.stringify({ error })),
    fc
      .record({ message: text, type: text })
      .map((error) => JSON.stringify({ type: 'error', error })),
    fc
      .record({ code: fc.integer({ min: 100, max: 600 }), message: text, status: text })
      .map((error) => JSON.stringify([{ error }])),
    fc.string({ maxLength: 200 }),
  );
};

describe.each(PROVIDER_TYPES)('fuzz: the %s adapter', (type) => {
  it(
    'any request: a result or the caller error; the circuit never moves',
    async () => {
      const fleet = fleets.get(type) as Fleet;
      fleet.sims[0]?.reset();
      await fc.assert(
        fc.asyncProperty(libraryRequest, fc.boolean(), async (request, stream) => {
          const error = await outcome(() =>
            stream
              ? drain(fleet.ai.chatCompletionStream(request as never))
              : fleet.ai.chatCompletion(request as never),
          );
          if (error === undefined) return;
          expect(FlexiAIError.isInstance(error), String(error)).toBe(true);
          expect(classifyError(error), String(error)).toBe('caller');
        }),
        fuzzParams(40),
      );
      // Plausible requests did reach the provider (the property is not all refusals).
      expect(fleet.sims[0]?.chatCalls).toBeGreaterThan(0);
      const status = fleet.ai.getProviderStatus()[0];
      expect(status?.failures).toBe(0);
      expect(status?.state).toBe('closed');
    },
    fuzzTimeout(20_000),
  );

  it(
    'any upstream answer: a result or a FlexiAI error without the key',
    async () => {
      const fleet = fleets.get(type) as Fleet;
      const sim = fleet.sims[0];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(200, 400, 401, 403, 404, 429, 500, 502, 503, 529),
          upstreamBody(KEY_OF[type]),
          async (status, body) => {
            sim?.reset().enqueue({ kind: 'status', status, body });
            const error = await outcome(() =>
              fleet.ai.chatCompletion({ messages: [{ role: 'user', content: 'hi' }] }),
            );
            if (error === undefined) return;
            expect(FlexiAIError.isInstance(error), String(error)).toBe(true);
            expectNoCanary(errorSurface(error), 'the error');
          },
        ),
        fuzzParams(40),
      );
    },
    fuzzTimeout(20_000),
  );
});
