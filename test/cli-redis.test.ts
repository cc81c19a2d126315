import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { parsePrometheus } from './helpers/prometheus.js';
import { startServe } from './helpers/run-cli.js';

describeRedis('flexiai serve --workers with Redis-shared circuits (real processes)', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  const prefix = uniquePrefix('cli');

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deleteKeys(REDIS_URL, prefix);
  });

  it('a circuit opened in one worker is honoured by every worker', async () => {
    a.setDefault(fault.status(500));
    const dir = await mkdtemp(join(tmpdir(), 'flexiai-cli-redis-'));
    const config = join(dir, 'flexiai.config.yaml');
    await writeFile(
      config,
      [
        'providers:',
        `  - { name: a, type: openai-compatible, baseURL: "${a.baseURL}", model: m }`,
        `  - { name: b, type: openai-compatible, baseURL: "${b.baseURL}", model: m }`,
        'circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600000 }',
        'retry: { maxAttempts: 1 }',
        `sync: { backend: redis, url: "${REDIS_URL}", keyPrefix: "${prefix}" }`,
        'server: { port: 0 }',
        '',
      ].join('\n'),
    );
    const serve = await startServe(['--config', config, '--workers', '2']);
    try {
      const ask = () =>
        fetch(`${serve.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
        });
      // Both workers up and sharing state.
      let workers = 0;
      for (let i = 0; i < 600 && workers < 2; i += 1) {
        const health = (await (await fetch(`${serve.url}/health`)).json()) as {
          sync: { backend: string; workers?: number };
        };
        expect(health.sync.backend).toBe('redis');
        workers = health.sync.workers ?? 0;
        if (workers < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(workers).toBe(2);
      expect((await ask()).headers.get('x-flexiai-provider')).toBe('b');
      expect(a.chatCalls).toBe(1);
      // Both workers hold the open circuit (the primary's merged /metrics, one sample per worker),
      // however long the broadcast took on a loaded machine: then the burst.
      for (let open = 0; open < 2;) {
        const samples = parsePrometheus(await (await fetch(`${serve.url}/metrics`)).text());
        open = samples.filter(
          (s) =>
            s.name === 'flexiai_circuit_state' &&
            s.labels.provider === 'a' &&
            s.labels.state === 'open' &&
            s.value === 1,
        ).length;
        if (open < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const results = await Promise.all(Array.from({ length: 20 }, () => ask()));
      expect(results.map((r) => r.headers.get('x-flexiai-provider'))).toEqual(Array(20).fill('b'));
      // Whichever worker served them, none called the open provider again.
      expect(a.chatCalls).toBe(1);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
