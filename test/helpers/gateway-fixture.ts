import { FlexiAI } from '../../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../../src/config/config-schema.js';
import { startGateway, type RunningGateway } from '../../src/gateway/start-gateway.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY } from './canary.js';
import { captureLogger, type CapturedLogger } from './capture-logger.js';

export interface GatewayFixture {
  sims: SimulatedProvider[];
  client: FlexiAI;
  gateway: RunningGateway;
  log: CapturedLogger;
  url: string;
  close(): Promise<void>;
}

/** Two simulated providers (a, b) behind a FlexiAI client behind the gateway, with a gateway key. */
export async function startGatewayFixture(
  configure: (config: FlexiAIConfigInput) => FlexiAIConfigInput = (c) => c,
): Promise<GatewayFixture> {
  const sims = await Promise.all(
    ['a', 'b'].map((name) => createSimulatedProvider({ name, apiKey: CANARY.compatible })),
  );
  const log = captureLogger('debug');
  const client = new FlexiAI(
    configure({
      providers: sims.map((sim, i) => ({
        name: ['a', 'b'][i] as string,
        type: 'openai-compatible' as const,
        baseURL: sim.baseURL,
        apiKey: CANARY.compatible,
        model: `model-${['a', 'b'][i]}`,
      })),
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      server: { port: 0, apiKeys: [CANARY.gateway] },
      logging: { level: 'debug' },
    }),
    { logger: log.logger, env: false },
  );
  const gateway = await startGateway({ client, logger: log.logger });
  return {
    sims,
    client,
    gateway,
    log,
    url: gateway.url,
    close: async () => {
      await gateway.close();
      await client.close();
      await Promise.all(sims.map((s) => s.close()));
    },
  };
}
