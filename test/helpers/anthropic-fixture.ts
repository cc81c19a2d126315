import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import type {
  AnthropicProviderConfig,
  ProviderConfigInput,
} from '../../src/config/provider-config-schema.js';
import { systemClock } from '../../src/internal/clock.js';
import { silentLogger } from '../../src/internal/logger.js';
import { AnthropicProvider } from '../../src/providers/anthropic/anthropic-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';

/** Shared by the Anthropic adapter tests: a test key (not shaped like a real one), model and call options. */
export const ANTHROPIC_KEY = 'sk-ant-api03.TESTKEYanthropic0123456789abcdefABCDEF';
export const ANTHROPIC_MODEL = 'claude-sonnet-4-6';
export const anthropicCall = { correlationId: 'req_test', logger: silentLogger };

export function anthropicConfig(
  overrides: Partial<ProviderConfigInput> = {},
): AnthropicProviderConfig {
  const config = parseConfig(
    {
      providers: [
        {
          name: 'claude',
          type: 'anthropic',
          apiKey: ANTHROPIC_KEY,
          model: ANTHROPIC_MODEL,
          ...overrides,
        },
      ],
    },
    { env: false },
  );
  return config.providers[0] as AnthropicProviderConfig;
}

export const anthropicRequest = (extra: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model: ANTHROPIC_MODEL,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/**
 * A simulated Anthropic wire (checking the key) and an adapter pointed at it, for one describe
 * block: started before its tests, closed after, the request log reset before each test.
 */
export function useAnthropicSim(): {
  sim: () => SimulatedProvider;
  provider: () => AnthropicProvider;
} {
  let sim: SimulatedProvider;
  let provider: AnthropicProvider;
  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: ANTHROPIC_KEY, wire: 'anthropic' });
    provider = new AnthropicProvider(anthropicConfig({ baseURL: sim.baseURL }), {
      clock: systemClock,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());
  return { sim: () => sim, provider: () => provider };
}
