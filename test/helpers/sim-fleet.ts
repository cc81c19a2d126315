import { FlexiAI, type FlexiAIOptions } from '../../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../../src/config/config-schema.js';
import type { ProviderConfigInput, ProviderType } from '../../src/config/provider-config-schema.js';
import { silentLogger } from '../../src/internal/logger.js';
import type { SimWireName } from '../../src/testing/sim-wires.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY } from './canary.js';

/** Every built-in provider type, each of which a fleet member can be. */
export const PROVIDER_TYPES = [
  'openai',
  'openai-compatible',
  'anthropic',
  'gemini',
  'vertexai',
] as const satisfies readonly ProviderType[];

/** The wire each provider type speaks (Vertex AI and the Gemini API share one). */
export const WIRE_OF: Record<ProviderType, SimWireName> = {
  openai: 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
  vertexai: 'gemini',
};

/** The canary credential configured for each provider type (and checked by its simulator). */
export const KEY_OF: Record<ProviderType, string> = {
  openai: CANARY.openai,
  'openai-compatible': CANARY.compatible,
  anthropic: CANARY.anthropic,
  gemini: CANARY.gemini,
  vertexai: CANARY.vertexToken,
};

export interface Fleet {
  sims: SimulatedProvider[];
  /** The provider type of each member, in order (a, b, c, ...). */
  types: ProviderType[];
  ai: FlexiAI;
  close(): Promise<void>;
}

/** A FlexiAI provider config of `type` pointed at `sim`, with the type's canary credential. */
export function providerConfigFor(
  type: ProviderType,
  name: string,
  sim: SimulatedProvider,
): ProviderConfigInput {
  const common = { name, model: `model-${name}`, baseURL: sim.baseURL };
  switch (type) {
    case 'vertexai':
      return {
        ...common,
        type,
        project: 'flexiai-test',
        location: 'us-central1',
        accessToken: KEY_OF.vertexai,
      };
    default:
      return { ...common, type, apiKey: KEY_OF[type] };
  }
}

/**
 * Simulated providers named a, b, c, ... and a client over them in that priority. `members` is a
 * count (that many `openai-compatible` providers) or the provider type of each member: each
 * simulator speaks that type's wire and refuses any credential but the type's canary key, which
 * the client is configured with. Models are `model-<name>`. `configure` adjusts the config
 * (breaker, retry, per-provider fields) before the client is made.
 */
export async function createFleet(
  members: number | readonly ProviderType[],
  configure: (config: FlexiAIConfigInput) => FlexiAIConfigInput = (c) => c,
  options: FlexiAIOptions = {},
): Promise<Fleet> {
  const types: ProviderType[] =
    typeof members === 'number'
      ? Array.from({ length: members }, () => 'openai-compatible' as const)
      : [...members];
  const names = 'abcdefgh'.slice(0, types.length).split('');
  const sims = await Promise.all(
    types.map((type, i) =>
      createSimulatedProvider({ name: names[i], wire: WIRE_OF[type], apiKey: KEY_OF[type] }),
    ),
  );
  const config = configure({
    providers: sims.map((sim, i) =>
      providerConfigFor(types[i] as ProviderType, names[i] as string, sim),
    ),
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  const ai = new FlexiAI(config, { logger: silentLogger, env: false, ...options });
  return {
    sims,
    types,
    ai,
    close: async () => {
      await ai.close();
      await Promise.all(sims.map((sim) => sim.close()));
    },
  };
}

export const userMessage = (content = 'Hello') => ({
  messages: [{ role: 'user' as const, content }],
});
