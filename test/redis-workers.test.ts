import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Real worker processes sharing circuits through the shared Redis. */
describeRedis('Redis state sync across worker processes', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let workers: WorkerProcess[] = [];
  let prefix = '';

  async function startWorkers(count: number, breaker: Record<string, number>) {
    prefix = uniquePrefix('proc');
    workers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startWorkerProcess({
          SIM_URLS: `${a.baseURL},${b.baseURL}`,
          REDIS_URL,
          PREFIX: prefix,
          WORKER_ID: `proc-${i}`,
          BREAKER: JSON.stringify(breaker),
        }),
      ),
    );
  }

  async function stateEverywhere(): Promise<string[]> {
    const all = await Promise.all(workers.map((w) => w.status()));
    return all.map((s) => s.providers.find((p) => p.name === 'a')?.state ?? '?');
  }

  async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    workers = [];
    a.reset();
    b.reset();
    await deleteKeys(REDIS_URL, prefix);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('C2 (+C3): after the deadline, exactly halfOpenMaxCalls probe reaches A across 4 workers, round after round', async () => {
    const recoveryTimeoutMs = 1_500;
    await startWorkers(4, { failureThreshold: 3, recoveryTimeoutMs, halfOpenMaxCalls: 1 });
    a.setDefault(fault.slow(200, fault.status(500))); // still down, and slow: the probe is in flight a while
    await workers[0]?.burst(3);
    await until(
      async () => (await stateEverywhere()).every((s) => s === 'open'),
      10_000,
      'open everywhere',
    );
    for (let round = 0; round < 3; round += 1) {
      const status = await workers[0]!.status();
      const openUntil = status.providers.find((p) => p.name === 'a')?.openUntil ?? Date.now();
      await sleep(Math.max(0, openUntil - Date.now()) + 50);
      const before = a.chatCalls;
      const bursts = await Promise.all(workers.map((w) => w.burst(50)));
      const served = bursts.flat();
      expect(served.filter((p) => p === 'error')).toHaveLength(0);
      expect(a.chatCalls - before).toBe(1);
      await until(
        async () => (await stateEverywhere()).every((s) => s === 'open'),
        10_000,
        're-open',
      );
    }
  }, 60_000);

  it('W2: a worker that dies holding the probe lock: the lock expires and another worker probes', async () => {
    await startWorkers(3, {
      failureThreshold: 3,
      recoveryTimeoutMs: 1_000,
      halfOpenMaxCalls: 1,
      probeTimeoutMs: 1_500,
    });
    a.setDefault(fault.status(500));
    await workers[0]?.burst(3);
    await until(
      async () => (await stateEverywhere()).every((s) => s === 'open'),
      10_000,
      'open everywhere',
    );
    a.setDefault(fault.hang()); // the probe will never answer
    await sleep(1_100);
    const before = a.chatCalls;
    // The bursts never all end (the probe hangs): wait for the probe to arrive, give the other
    // workers' requests time to (wrongly) probe too, then count.
    void Promise.all(workers.map((w) => w.burst(5))).catch(() => undefined);
    await until(async () => a.chatCalls - before >= 1, 10_000, 'the probe');
    await sleep(300);
    expect(a.chatCalls - before).toBe(1);
    const statuses = await Promise.all(workers.map((w) => w.status()));
    const holder = statuses.findIndex((s) => (s.sync.counters?.probeClaimsWon ?? 0) > 0);
    expect(holder).toBeGreaterThanOrEqual(0);
    await workers[holder]!.kill('SIGKILL');
    const survivors = workers.filter((_, i) => i !== holder);
    a.setDefault(fault.ok()); // healthy again; the next probe closes the circuit
    const started = Date.now();
    await until(
      async () => {
        await Promise.all(survivors.map((w) => w.burst(2)));
        const states = await Promise.all(survivors.map((w) => w.status()));
        return states.every((s) => s.providers.find((p) => p.name === 'a')?.state === 'closed');
      },
      5_000,
      'another worker to probe and close',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // the dead worker's claim had to expire
  }, 60_000);
});
