import { afterEach, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import { silentLogger } from '../src/internal/logger.js';
import { getClosedPort } from '../src/testing/free-port.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';

const gauge = (ai: FlexiAI, name: string) =>
  ai
    .getMetrics()
    .families.find((f) => f.name === name)
    ?.series.map((s) => ('value' in s ? [s.labels, s.value] : undefined));

describeRedis('Redis sync health in the metrics', () => {
  let ai: FlexiAI | undefined;
  const prefix = uniquePrefix('metrics');
  afterEach(async () => {
    await ai?.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  const config = (url: string) => ({
    providers: [
      {
        name: 'a',
        type: 'openai-compatible' as const,
        baseURL: 'http://127.0.0.1:9/v1',
        model: 'm',
      },
    ],
    sync: { backend: 'redis' as const, url, keyPrefix: prefix, startupTimeoutMs: 300 },
  });

  it('flexiai_sync_up is 1 with Redis connected', async () => {
    ai = await FlexiAI.create(config(REDIS_URL), { logger: silentLogger, env: false });
    expect(gauge(ai, 'flexiai_sync_up')).toEqual([[['redis'], 1]]);
    expect(gauge(ai, 'flexiai_sync_workers')).toEqual([[['redis'], 1]]);
  });

  it('flexiai_sync_up is 0 while Redis cannot be reached', async () => {
    ai = await FlexiAI.create(config(`redis://127.0.0.1:${await getClosedPort()}`), {
      logger: silentLogger,
      env: false,
    });
    expect(ai.getSyncStatus().health).toBe('degraded');
    expect(gauge(ai, 'flexiai_sync_up')).toEqual([[['redis'], 0]]);
  });
});
