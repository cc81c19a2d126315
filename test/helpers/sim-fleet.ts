import { FlexiAI, type FlexiAIOptions } from '../../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/internal/logger.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';

export interface Fleet {
  sims: SimulatedProvider[];
  ai: FlexiAI;
  close(): Promise<void>;
}

/**
 * N simulated OpenAI-wire providers named a, b, c, ... and a client over them in that priority.
 * `configure` adjusts the config (breaker, retry, per-provider fields) before the client is made.
 */
export async function createFleet(
  count: number,
  configure: (config: FlexiAIConfigInput) => FlexiAIConfigInput = (c) => c,
  options: FlexiAIOptions = {},
): Promise<Fleet> {
  const names = 'abcdefgh'.slice(0, count).split('');
  const sims = await Promise.all(names.map((name) => createSimulatedProvider({ name })));
  const config = configure({
    providers: sims.map((sim, i) => ({
      name: names[i] as string,
      type: 'openai-compatible' as const,
      baseURL: sim.baseURL,
      model: `model-${names[i]}`,
    })),
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  const ai = new FlexiAI(config, { logger: silentLogger, env: false, ...options });
  return {
    sims,
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
