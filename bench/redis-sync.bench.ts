/**
 * Redis state sync benchmark.
 *
 *   npx tsx bench/redis-sync.bench.ts      (needs Redis at FLEXIAI_BENCH_REDIS_URL or 127.0.0.1:6379)
 *
 * 1. Propagation: a circuit opens in worker A; how long until worker B refuses that provider
 *    (B's breaker has adopted the open state). Two clients with their own Redis connections, in one
 *    process; timestamps from one clock.
 * 2. Request-path overhead: chatCompletion latency against the same simulated upstream with the
 *    memory backend and with the Redis backend, interleaved in the same run.
 */
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { FlexiAI } from '../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { silentLogger } from '../src/internal/logger.js';
import { getClosedPort } from '../src/testing/free-port.js';
import { startBenchChild } from './child-process.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';

const REDIS_URL = process.env.FLEXIAI_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TRANSITIONS = Number(process.env.BENCH_TRANSITIONS ?? 150);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3_000);

type Row = Record<string, string | number>;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number): number => Math.round(value * 1_000) / 1_000;
const sleep = (t: number) => new Promise((resolve) => setTimeout(resolve, t));

function config(a: SimulatedProvider, b: SimulatedProvider, sync: FlexiAIConfigInput['sync']) {
  return {
    providers: [
      { name: 'a', type: 'openai-compatible' as const, baseURL: a.baseURL, model: 'm-a' },
      { name: 'b', type: 'openai-compatible' as const, baseURL: b.baseURL, model: 'm-b' },
    ],
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
    retry: { maxAttempts: 1 },
    sync,
  } satisfies FlexiAIConfigInput;
}

/**
 * Worker A (this process) opens provider a's circuit; worker B (its own process, as deployed)
 * reports when the decision reached its breaker. Latency = B's wall-clock time of arrival minus A's
 * of the decision (one host, one clock). Provider a points at a closed port, so one call opens it.
 */
async function propagation(prefix: string) {
  const closed = `http://127.0.0.1:${await getClosedPort()}/v1`;
  const shared = {
    providers: [{ name: 'a', type: 'openai-compatible' as const, baseURL: closed, model: 'm-a' }],
    circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
    retry: { maxAttempts: 1 },
  };
  const sync = { backend: 'redis' as const, url: REDIS_URL, keyPrefix: prefix };
  const peer = await startBenchChild<'ready'>('./redis-sync-peer.ts', [
    JSON.stringify({ ...shared, sync: { ...sync, workerId: 'bench-b' } }),
  ]);
  const wa = await FlexiAI.create(
    { ...shared, sync: { ...sync, workerId: 'bench-a' } },
    { logger: silentLogger, env: false },
  );
  let openedAt = 0;
  wa.onCircuitStateChange((e) => {
    if (e.to === 'open' && e.source === 'local')
      openedAt = performance.timeOrigin + performance.now();
  });
  const next = (to: string): Promise<number> =>
    Promise.race([
      (async () => {
        for (;;) {
          const message = await peer.nextMessage<{ to: string; at: number }>();
          if (message.to === to) return message.at;
        }
      })(),
      sleep(2_000).then(() => Number.NaN),
    ]);
  const latencies: number[] = [];
  for (let i = 0; i < TRANSITIONS; i += 1) {
    const seen = next('open');
    await wa.chatCompletion({ messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    latencies.push((await seen) - openedAt);
    const closedAgain = next('closed');
    wa.resetCircuitBreakers('a');
    await closedAgain;
    // Past the coalescing window, so every open is a leading-edge broadcast (a flapping circuit is
    // coalesced by design: R11).
    await sleep(60);
  }
  await Promise.all([wa.close(), peer.close()]);
  const ok = latencies.filter((v) => Number.isFinite(v));
  return {
    title: 'propagation A opens -> B (own process) refuses',
    p50: percentile(ok, 50),
    p99: percentile(ok, 99),
    max: Math.max(...ok),
    lost: latencies.length - ok.length,
  };
}

async function overhead(a: SimulatedProvider, b: SimulatedProvider, prefix: string) {
  const options = { logger: silentLogger, env: false as const };
  const memory = new FlexiAI(config(a, b, { backend: 'memory' }), options);
  const redis = await FlexiAI.create(
    config(a, b, { backend: 'redis', url: REDIS_URL, keyPrefix: prefix, workerId: 'bench-o' }),
    options,
  );
  const samples = { memory: [] as number[], redis: [] as number[] };
  const request = { messages: [{ role: 'user' as const, content: 'Hello' }] };
  for (let i = 0; i < 200; i += 1)
    await Promise.all([memory.chatCompletion(request), redis.chatCompletion(request)]);
  for (let i = 0; i < REQUESTS; i += 1) {
    for (const [name, ai] of (i % 2
      ? [
          ['memory', memory],
          ['redis', redis],
        ]
      : [
          ['redis', redis],
          ['memory', memory],
        ]) as [keyof typeof samples, FlexiAI][]) {
      const t0 = performance.now();
      await ai.chatCompletion(request);
      samples[name].push(performance.now() - t0);
    }
  }
  await Promise.all([memory.close(), redis.close()]);
  return samples;
}

export async function runRedisSyncBench(): Promise<{ title: string; rows: Row[] }> {
  const a = await createSimulatedProvider({ name: 'a' });
  const b = await createSimulatedProvider({ name: 'b' });
  const prefix = `flexiai-bench:${process.pid}:${Date.now()}:`;
  try {
    const p = await propagation(prefix);
    const o = await overhead(a, b, `${prefix}o:`);
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    const rows: Row[] = [
      {
        measure: `${p.title} (${TRANSITIONS} transitions)`,
        p50_ms: ms(p.p50),
        p99_ms: ms(p.p99),
        max_ms: ms(p.max),
        note: `${p.lost} not seen within 2 s; target p99 <= 5 ms`,
      },
      ...(['memory', 'redis'] as const).map((name) => ({
        measure: `chatCompletion, ${name} sync (${REQUESTS} sequential)`,
        p50_ms: ms(percentile(o[name], 50)),
        p99_ms: ms(percentile(o[name], 99)),
        max_ms: ms(Math.max(...o[name])),
        note: `mean ${ms(mean(o[name]))} ms`,
      })),
      {
        measure: 'redis / memory (request path)',
        p50_ms: ms(percentile(o.redis, 50) / percentile(o.memory, 50)),
        p99_ms: ms(percentile(o.redis, 99) / percentile(o.memory, 99)),
        max_ms: '',
        note: 'ratios; 1.0 = no difference',
      },
    ];
    return { title: 'Redis state sync', rows };
  } finally {
    await Promise.all([a.close(), b.close()]);
    const client = new Redis(REDIS_URL);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { title, rows } = await runRedisSyncBench();
  console.log(`\n${title} (node ${process.version}, Redis at ${REDIS_URL})`);
  console.table(rows);
}
