import { FlexiAI, type FlexiAIOptions } from '../../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../../src/config/config-schema.js';
import type { RedisSyncConfigInput } from '../../src/config/sync-config-schema.js';
import { silentLogger } from '../../src/internal/logger.js';
import type { SimulatedProvider } from '../../src/testing/simulated-provider.js';
import { REDIS_URL } from './describe-redis.js';

export interface SyncWorkerOptions {
  prefix: string;
  workerId?: string;
  sync?: Partial<RedisSyncConfigInput>;
  circuitBreaker?: FlexiAIConfigInput['circuitBreaker'];
  options?: FlexiAIOptions;
}

/** A FlexiAI client over simulated providers (named a, b, ... in that order) sharing circuits through Redis. */
export function syncWorker(
  sims: SimulatedProvider[],
  options: SyncWorkerOptions,
): Promise<FlexiAI> {
  return FlexiAI.create(
    {
      providers: sims.map((sim, i) => ({
        name: 'abcdefgh'[i] as string,
        type: 'openai-compatible' as const,
        baseURL: sim.baseURL,
        model: `model-${'abcdefgh'[i]}`,
      })),
      // Priced, so a cost warning (no known price) never mixes into these tests' log assertions.
      pricing: Object.fromEntries(
        sims.map((_, i) => [`model-${'abcdefgh'[i]}`, { input: 0.15, output: 0.6 }]),
      ),
      retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 60_000, ...options.circuitBreaker },
      sync: {
        backend: 'redis',
        url: REDIS_URL,
        keyPrefix: options.prefix,
        ...(options.workerId ? { workerId: options.workerId } : {}),
        ...options.sync,
      },
    },
    { logger: silentLogger, env: false, ...options.options },
  );
}

export const ask = (ai: FlexiAI, content = 'Hello') =>
  ai.chatCompletion({ messages: [{ role: 'user', content }] });
