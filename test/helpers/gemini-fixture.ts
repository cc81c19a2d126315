import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import type {
  GeminiProviderConfig,
  ProviderConfigInput,
} from '../../src/config/provider-config-schema.js';
import { systemClock } from '../../src/internal/clock.js';
import { silentLogger } from '../../src/internal/logger.js';
import { GeminiProvider } from '../../src/providers/gemini/gemini-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';

export const GEMINI_KEY = 'AIza.TESTKEYgemini0123456789abcdefABCDEFGH';
export const GEMINI_MODEL = 'gemini-2.5-flash';
export const call = { correlationId: 'req_test', logger: silentLogger };

export function geminiConfig(overrides: Partial<ProviderConfigInput> = {}): GeminiProviderConfig {
  return parseConfig(
    {
      providers: [
        { name: 'gm', type: 'gemini', apiKey: GEMINI_KEY, model: GEMINI_MODEL, ...overrides },
      ],
    },
    { env: false },
  ).providers[0] as GeminiProviderConfig;
}

export const request = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: GEMINI_MODEL,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/** A unified tool call of the `lookup` tool. */
export const lookup = (id: string, args = '{"city":"Paris"}') => ({
  id,
  type: 'function' as const,
  function: { name: 'lookup', arguments: args },
});

export interface GeminiFixture {
  sim: SimulatedProvider;
  provider: GeminiProvider;
}

/**
 * A simulated Gemini wire and a `gemini` provider pointed at it, for the suite that calls this:
 * started before it, the request log cleared before each test, both closed after it.
 */
export function useGeminiSim(overrides: Partial<ProviderConfigInput> = {}): GeminiFixture {
  const fixture = {} as GeminiFixture;
  beforeAll(async () => {
    fixture.sim = await createSimulatedProvider({ wire: 'gemini', apiKey: GEMINI_KEY });
    fixture.provider = new GeminiProvider(
      geminiConfig({ baseURL: fixture.sim.baseURL, ...overrides }),
      { clock: systemClock, logger: silentLogger },
    );
  });
  afterAll(async () => {
    await fixture.provider.close();
    await fixture.sim.close();
  });
  beforeEach(() => fixture.sim.reset());
  return fixture;
}
