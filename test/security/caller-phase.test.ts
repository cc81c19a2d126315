import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as OpenAIConvert from '../../src/providers/openai/convert-to-openai-request.js';
import type * as AnthropicConvert from '../../src/providers/anthropic/convert-to-anthropic-request.js';
import type * as GeminiConvert from '../../src/providers/gemini/convert-to-gemini-request.js';
import type * as MergeOptions from '../../src/providers/shared/merge-provider-options.js';
import type * as GeminiOptions from '../../src/providers/gemini/gemini-provider-options.js';
import type { ProviderType } from '../../src/config/provider-config-schema.js';
import { ProviderError } from '../../src/errors/provider-error.js';
import { ValidationError } from '../../src/errors/validation-error.js';
import { createFleet, PROVIDER_TYPES, type Fleet } from '../helpers/sim-fleet.js';

/**
 * "Only the provider can fail the provider": a throw at any step before the request is sent
 * (convert the request, read thought signatures, merge provider options, serialize the body) is
 * the caller's error: a ValidationError, no upstream call, no failover, no circuit movement.
 * Each step is made to throw (through a module mock that wraps the real function) with a stack
 * overflow, a TypeError, and even an error that looks like an upstream 503.
 */
const inject = vi.hoisted(() => ({
  step: undefined as string | undefined,
  error: undefined as unknown,
}));

const maybeThrow = (step: string): void => {
  if (inject.step === step) throw inject.error;
};

vi.mock('../../src/providers/openai/convert-to-openai-request.js', async (importOriginal) => {
  const mod = await importOriginal<typeof OpenAIConvert>();
  return {
    ...mod,
    convertToOpenAIRequest: (...args: Parameters<typeof mod.convertToOpenAIRequest>) => {
      maybeThrow('convert');
      return mod.convertToOpenAIRequest(...args);
    },
  };
});
vi.mock('../../src/providers/anthropic/convert-to-anthropic-request.js', async (importOriginal) => {
  const mod = await importOriginal<typeof AnthropicConvert>();
  return {
    ...mod,
    convertToAnthropicRequest: (...args: Parameters<typeof mod.convertToAnthropicRequest>) => {
      maybeThrow('convert');
      return mod.convertToAnthropicRequest(...args);
    },
  };
});
vi.mock('../../src/providers/gemini/convert-to-gemini-request.js', async (importOriginal) => {
  const mod = await importOriginal<typeof GeminiConvert>();
  return {
    ...mod,
    convertToGeminiRequest: (...args: Parameters<typeof mod.convertToGeminiRequest>) => {
      maybeThrow('convert');
      return mod.convertToGeminiRequest(...args);
    },
  };
});
vi.mock('../../src/providers/shared/merge-provider-options.js', async (importOriginal) => {
  const mod = await importOriginal<typeof MergeOptions>();
  return {
    ...mod,
    mergeProviderOptions: (...args: Parameters<typeof mod.mergeProviderOptions>) => {
      maybeThrow('merge');
      return mod.mergeProviderOptions(...args);
    },
  };
});
vi.mock('../../src/providers/gemini/gemini-provider-options.js', async (importOriginal) => {
  const mod = await importOriginal<typeof GeminiOptions>();
  return {
    ...mod,
    thoughtSignaturesFrom: (...args: Parameters<typeof mod.thoughtSignaturesFrom>) => {
      maybeThrow('signatures');
      return mod.thoughtSignaturesFrom(...args);
    },
    mergeGeminiProviderOptions: (...args: Parameters<typeof mod.mergeGeminiProviderOptions>) => {
      maybeThrow('merge');
      return mod.mergeGeminiProviderOptions(...args);
    },
  };
});

/** The steps each provider type runs before its request is sent. */
const STEPS: Record<ProviderType, string[]> = {
  openai: ['convert', 'merge', 'serialize'],
  'openai-compatible': ['convert', 'merge', 'serialize'],
  anthropic: ['convert', 'merge', 'serialize'],
  gemini: ['signatures', 'convert', 'merge', 'serialize'],
  vertexai: ['signatures', 'convert', 'merge', 'serialize'],
};

const THROWS: Record<string, () => unknown> = {
  'a stack overflow': () => new RangeError('Maximum call stack size exceeded'),
  'a TypeError': () => new TypeError("Cannot read properties of undefined (reading 'x')"),
  'an error that looks like an upstream 503': () =>
    new ProviderError('service unavailable', { provider: 'a', model: 'm', status: 503 }),
};

/** A request; for the serialize step, a provider option whose toJSON throws the injected error. */
function requestFor(type: ProviderType, step: string) {
  const poison = {
    toJSON: () => {
      throw inject.error;
    },
  };
  return {
    messages: [{ role: 'user' as const, content: 'hi' }],
    providerOptions: { [type]: step === 'serialize' ? { poison } : { temperature: 0.5 } },
  };
}

let fleet: Fleet | undefined;
afterEach(async () => {
  inject.step = undefined;
  await fleet?.close();
  fleet = undefined;
});

describe.each(PROVIDER_TYPES)('%s: a throw before the send is the caller error', (type) => {
  // A backup of another wire: a caller error must not fail over to it.
  const backup: ProviderType = type === 'anthropic' ? 'openai-compatible' : 'anthropic';

  describe.each(STEPS[type])('step: %s', (step) => {
    it.each(Object.keys(THROWS))(
      '%s: ValidationError, no call, no failover, no circuit movement',
      async (kind) => {
        fleet = await createFleet([type, backup], (c) => ({
          ...c,
          circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600_000 },
        }));
        const ai = fleet.ai;
        inject.step = step;
        inject.error = (THROWS[kind] as () => unknown)();

        await expect(ai.chatCompletion(requestFor(type, step))).rejects.toSatisfy((error) =>
          ValidationError.isInstance(error),
        );
        const stream = ai.chatCompletionStream(requestFor(type, step));
        await expect(
          (async () => {
            for await (const _ of stream) void _;
          })(),
        ).rejects.toSatisfy((error) => ValidationError.isInstance(error));

        for (const sim of fleet.sims) expect(sim.chatCalls).toBe(0);
        for (const status of ai.getProviderStatus()) {
          expect(status.state).toBe('closed');
          expect(status.failures).toBe(0);
        }
        // The provider still serves the next, ordinary request.
        inject.step = undefined;
        const ok = await ai.chatCompletion({ messages: [{ role: 'user', content: 'hi' }] });
        expect(ok.provider).toBe('a');
      },
    );
  });
});
