import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { parsePrometheus, sampleSum } from './helpers/prometheus.js';
import { startServe } from './helpers/run-cli.js';

describe('GET /metrics with flexiai serve --workers (real processes)', () => {
  let sim: SimulatedProvider;
  beforeAll(async () => {
    sim = await createSimulatedProvider({ name: 'upstream' });
  });
  afterAll(() => sim.close());

  it('merges every worker: counters summed, gauges per worker; ?scope=worker is one worker', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flexiai-metrics-workers-'));
    const config = join(dir, 'flexiai.config.yaml');
    await writeFile(
      config,
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    model: m\nserver:\n  port: 0\n`,
    );
    const serve = await startServe(['--config', config, '--workers', '2']);
    try {
      const scrape = async (query = '') =>
        parsePrometheus(await (await fetch(`${serve.url}/metrics${query}`)).text());
      // Wait (generously) until both workers answer the primary's collection round.
      let workers = 0;
      for (let i = 0; i < 1_200 && workers < 2; i += 1) {
        const m = await scrape();
        workers = new Set(
          m.filter((s) => s.name === 'flexiai_provider_healthy').map((s) => s.labels.worker),
        ).size;
        if (workers < 2) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(workers).toBe(2);
      const n = 20;
      const results = await Promise.all(
        Array.from({ length: n }, () =>
          fetch(`${serve.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
          }).then((r) => r.status),
        ),
      );
      expect(results).toEqual(Array(n).fill(200));
      expect(sim.chatCalls).toBe(n);
      const merged = await scrape();
      expect(sampleSum(merged, 'flexiai_requests_total', { provider: 'up', outcome: 'ok' })).toBe(
        n,
      );
      expect(sampleSum(merged, 'flexiai_attempt_duration_seconds_count', { provider: 'up' })).toBe(
        n,
      );
      expect(
        merged.filter((s) => s.name === 'flexiai_circuit_state' && s.labels.state === 'closed'),
      ).toHaveLength(2);
      const own = await scrape('?scope=worker');
      expect(own.some((s) => s.labels.worker !== undefined)).toBe(false);
      expect(sampleSum(own, 'flexiai_requests_total')).toBeLessThanOrEqual(n);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 120_000);
});
