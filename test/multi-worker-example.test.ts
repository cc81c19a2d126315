import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { bundleExamples, type ExampleBundle } from './helpers/bundle-examples.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';

const SERVER = 'examples/multi-worker/server.ts';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Health {
  ok: boolean;
  pid: number;
  sync: { health: string; backend: string };
  providers: { name: string; state: string }[];
}

/** examples/multi-worker as a real process tree: primary + 2 workers on one port, sharing Redis. */
describeRedis('examples/multi-worker (node:cluster + Redis)', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let server: ChildProcess;
  let bundle: ExampleBundle;
  let base = '';
  let listening = 0;
  let output = '';
  const prefix = uniquePrefix('example');

  // Every call bounded: a request that never returns fails the test with a clear error.
  const health = async (): Promise<Health> =>
    (
      await fetch(`${base}/health`, { signal: AbortSignal.timeout(30_000) })
    ).json() as Promise<Health>;
  const chat = async () => {
    const res = await fetch(`${base}/chat`, {
      signal: AbortSignal.timeout(30_000),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    return {
      status: res.status,
      pid: Number(res.headers.get('x-worker-pid')),
      body: (await res.json()) as { provider?: string },
    };
  };
  async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output}`);
      await sleep(25);
    }
  }

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
    // The example bundled from its unchanged source (plain node in the primary and every worker).
    bundle = await bundleExamples([SERVER], 'multi-worker');
    server = spawn(process.execPath, [bundle.script(SERVER)], {
      env: {
        ...process.env,
        PORT: '0',
        WORKERS: '2',
        REDIS_URL,
        FLEXIAI_SYNC_KEY_PREFIX: prefix,
        UPSTREAM_A_URL: a.baseURL,
        UPSTREAM_B_URL: b.baseURL,
        FAILURE_THRESHOLD: '2',
        RECOVERY_TIMEOUT_MS: '60000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of chunk.toString().matchAll(/worker listening on (http:\/\/\S+)/g)) {
        base = match[1] ?? base;
        listening += 1;
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    await until(() => listening >= 2, 120_000, 'two workers listening');
  });
  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await Promise.all([a.close(), b.close()]);
    await deleteKeys(REDIS_URL, prefix);
    await bundle.remove();
  });

  it('serves, shares an open circuit, survives kill -9 of a worker, and exits 0 on SIGTERM', async () => {
    const first = await health();
    expect(first).toMatchObject({ ok: true, sync: { backend: 'redis', health: 'connected' } });
    expect((await chat()).body.provider).toBe('primary');

    // A fails: whichever worker sees it first opens the circuit, and every worker stops calling A.
    a.setDefault(fault.status(500));
    await until(
      async () => {
        expect((await chat()).body.provider).toBe('secondary');
        const seen = await Promise.all([health(), health(), health(), health()]);
        return seen.every((h) => h.providers.find((p) => p.name === 'primary')?.state === 'open');
      },
      30_000,
      'open on every worker',
    );
    // Both workers serve: the primary hands connections out round-robin, but which worker a given
    // request lands on depends on keep-alive reuse and scheduling, so ask until both have answered.
    const pids = new Set<number>();
    await until(
      async () => {
        for (const r of await Promise.all([chat(), chat(), chat(), chat()])) {
          expect(r.body.provider).toBe('secondary');
          pids.add(r.pid);
        }
        return pids.size >= 2;
      },
      60_000,
      'both workers answering',
    );
    expect(pids.size).toBe(2);

    // W1: kill -9 one worker while a slow request is in flight on the cluster.
    b.setDefault(fault.slow(300));
    const [victim, survivor] = [...pids] as [number, number];
    const inFlight = Array.from({ length: 6 }, () =>
      chat().catch(() => ({ status: 0, pid: 0, body: {} })),
    );
    await sleep(100);
    process.kill(victim, 'SIGKILL');
    const results = await Promise.all(inFlight);
    // Requests on the survivor are unaffected; only the victim's own connections broke.
    expect(results.filter((r) => r.pid === survivor).every((r) => r.status === 200)).toBe(true);
    await until(() => listening >= 3, 60_000, 'a replacement worker');
    b.setDefault(fault.ok());
    const callsToA = a.chatCalls;
    // The survivor and the new worker both serve (asked until each has answered), every answer
    // from B, and A never called: the new worker honoured the open circuit from its first request.
    const after = new Set<number>();
    await until(
      async () => {
        for (const r of await Promise.all(Array.from({ length: 4 }, () => chat()))) {
          expect(r.status).toBe(200);
          expect(r.body.provider).toBe('secondary');
          after.add(r.pid);
        }
        return after.size >= 2 && [...after].some((pid) => !pids.has(pid));
      },
      60_000,
      'the survivor and the new worker answering',
    );
    expect(after.has(victim)).toBe(false);
    expect(a.chatCalls).toBe(callsToA);

    // W3-style graceful stop: SIGTERM drains and exits 0.
    const exited = new Promise<number | null>((resolve) =>
      server.once('exit', (code) => resolve(code)),
    );
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 300_000); // a primary, two workers and a replacement: process starts are slow when loaded
});
