import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { ModelNotFoundError } from '../src/errors/model-not-found-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { silentLogger } from '../src/internal/logger.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { createFleet, type Fleet } from './helpers/sim-fleet.js';

describe('bad input never reaches a provider', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await createFleet(2);
  });
  afterAll(() => fleet.close());

  const noCalls = () => {
    expect(fleet.sims.map((s) => s.requests.length)).toEqual([0, 0]);
    expect(fleet.ai.getProviderStatus().map((s) => [s.state, s.failures, s.version])).toEqual([
      ['closed', 0, 0],
      ['closed', 0, 0],
    ]);
  };

  it.each([
    ['missing role', { messages: [{ content: 'hi' }] }, 'messages.0.role'],
    ['empty list', { messages: [] }, 'messages'],
    [
      'bad tool call',
      {
        messages: [
          {
            role: 'assistant',
            toolCalls: [{ id: 'x', type: 'function', function: { name: 'f' } }],
          },
        ],
      },
      'messages.0.toolCalls.0.function.arguments',
    ],
    ['no messages at all', {}, 'messages'],
  ])('B2: %s is a ValidationError naming %s, with 0 upstream calls', async (_name, input, path) => {
    const error = await fleet.ai.chatCompletion(input as never).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).path).toBe(path);
    noCalls();
  });

  it('B7: an unknown model is a ModelNotFoundError with 0 upstream calls', async () => {
    const error = await fleet.ai
      .chatCompletion({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(ModelNotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Unknown model "gpt-9"');
    noCalls();
  });
});

describe('B1: invalid configuration is rejected at construction, before any I/O', () => {
  let sim: SimulatedProvider;
  beforeAll(async () => {
    sim = await createSimulatedProvider();
  });
  afterAll(() => sim.close());

  it.each([
    ['no providers', { providers: [] }],
    [
      'duplicate names',
      {
        providers: [
          { name: 'x', type: 'openai', apiKey: CANARY.openai, model: 'm' },
          { name: 'x', type: 'openai', apiKey: CANARY.openai, model: 'm' },
        ],
      },
    ],
    [
      'negative timeout',
      {
        providers: [
          { name: 'x', type: 'openai', apiKey: CANARY.openai, model: 'm', timeoutMs: -1 },
        ],
      },
    ],
    [
      'unknown type',
      { providers: [{ name: 'x', type: 'cohere', apiKey: CANARY.openai, model: 'm' }] },
    ],
    [
      'missing env var',
      { providers: [{ name: 'x', type: 'openai', apiKey: '${FLEXIAI_TEST_MISSING}', model: 'm' }] },
    ],
  ])('%s', (_name, config) => {
    let caught: unknown;
    try {
      new FlexiAI(config as never, { logger: silentLogger, env: {} });
    } catch (error) {
      caught = error;
    }
    expect(ConfigurationError.isInstance(caught)).toBe(true);
    expectNoCanary(String((caught as Error).message));
    expectNoCanary(JSON.stringify(caught));
    expect(sim.requests).toHaveLength(0);
  });
});
