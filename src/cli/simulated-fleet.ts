import type { FlexiAIConfigInput } from '../config/config-schema.js';
import { createSimulatedProvider, type SimulatedProvider } from '../testing/simulated-provider.js';

/** Three local simulated providers, one per wire format, and a configuration that uses them. */
export interface SimulatedFleet {
  sims: SimulatedProvider[];
  config: FlexiAIConfigInput;
  close(): Promise<void>;
}

/** Placeholder keys of the right shape (the simulators accept anything). */
const SIM_KEYS = {
  anthropic: 'sk-ant-sim.not-a-real-key',
  gemini: 'AIzaSimulatedNotARealKey',
} as const;

/** The simulated providers' URLs, when a parent process already started them (cluster workers). */
export const SIM_URLS_ENV = 'FLEXIAI_SIMULATED_URLS';

export function simulatedConfig(urls: {
  openai: string;
  anthropic: string;
  gemini: string;
}): FlexiAIConfigInput {
  return {
    providers: [
      {
        name: 'sim-openai',
        type: 'openai-compatible',
        baseURL: urls.openai,
        model: 'gpt-4o-mini',
        priority: 1,
      },
      {
        name: 'sim-claude',
        type: 'anthropic',
        baseURL: urls.anthropic,
        apiKey: SIM_KEYS.anthropic,
        model: 'claude-sonnet-4-5',
        priority: 2,
      },
      {
        name: 'sim-gemini',
        type: 'gemini',
        baseURL: urls.gemini,
        apiKey: SIM_KEYS.gemini,
        model: 'gemini-2.5-flash',
        priority: 3,
      },
    ],
  };
}

export async function startSimulatedFleet(): Promise<SimulatedFleet> {
  const [openai, anthropic, gemini] = await Promise.all([
    createSimulatedProvider({ wire: 'openai', name: 'sim-openai' }),
    createSimulatedProvider({ wire: 'anthropic', name: 'sim-claude' }),
    createSimulatedProvider({ wire: 'gemini', name: 'sim-gemini' }),
  ]);
  const sims = [openai, anthropic, gemini];
  return {
    sims,
    config: simulatedConfig({
      openai: openai.baseURL,
      anthropic: anthropic.baseURL,
      gemini: gemini.baseURL,
    }),
    close: async () => {
      await Promise.all(sims.map((sim) => sim.close()));
    },
  };
}
