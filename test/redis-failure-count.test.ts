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
const WORKERS = 4;
const THRESHOLD = 5;

/**
 * The reproduction: with per-worker counting, about threshold x workers calls reach a
 * failing provider before every worker stops. With `failureCounting: cluster` the count is shared
 * through Redis: about `failureThreshold`, plus what was in flight.
 */
describeRedis('cluster-wide failure counting across worker processes', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let workers: WorkerProcess[] = [];
  let prefix = '';

  async function startWorkers(failureCounting: 'local' | 'cluster') {
    prefix = uniquePrefix('fails');
    workers = await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        startWorkerProcess({
          SIM_URLS: `${a.baseURL},${b.baseURL}`,
          REDIS_URL,
          PREFIX: prefix,
          WORKER_ID: `fails-${i}`,
          FAILURE_COUNTING: failureCounting,
          BREAKER: JSON.stringify({ failureThreshold: THRESHOLD, recoveryTimeoutMs: 60_000 }),
        }),
      ),
    );
  }

  /** Rounds of one request per worker, all at once, until every worker has A open. */
  async function driveUntilOpen(): Promise<string[]> {
    const served: string[] = [];
    for (let round = 0; round < 4 * THRESHOLD; round += 1) {
      const results = await Promise.all(workers.map((w) => w.burst(1)));
      served.push(...results.flat());
      const states = await Promise.all(workers.map((w) => w.status()));
      if (states.every((s) => s.providers.find((p) => p.name === 'a')?.state === 'open')) break;
      await sleep(20);
    }
    return served;
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

  it('local counting (the default): threshold x workers calls reach the failing provider', async () => {
    await startWorkers('local');
    a.setDefault(fault.status(500));
    const served = await driveUntilOpen();
    expect(served.filter((p) => p === 'error')).toEqual([]);
    expect(a.chatCalls).toBe(THRESHOLD * WORKERS);
  }, 60_000);

  it('cluster counting: about failureThreshold calls reach it cluster-wide, then every worker stops', async () => {
    await startWorkers('cluster');
    a.setDefault(fault.status(500));
    const served = await driveUntilOpen();
    // Every request was still served (by B); A saw the threshold plus at most the calls in flight
    // while the opening spread (one round of one call per worker, twice over for slack).
    expect(served.filter((p) => p === 'error')).toEqual([]);
    expect(a.chatCalls).toBeGreaterThanOrEqual(THRESHOLD);
    expect(a.chatCalls).toBeLessThanOrEqual(THRESHOLD + 2 * WORKERS);
    expect(a.chatCalls).toBeLessThan(THRESHOLD * WORKERS);
    const before = a.chatCalls;
    await Promise.all(workers.map((w) => w.burst(5)));
    expect(a.chatCalls).toBe(before);
  }, 60_000);

  it('cluster counting: a success ends the streak, so scattered failures never open the circuit', async () => {
    await startWorkers('cluster');
    // Every third call fails: never THRESHOLD in a row anywhere.
    let n = 0;
    a.setDefault(() => (++n % 3 === 0 ? fault.status(500) : fault.ok()));
    // One worker after another: a success's reset is sent off the request path (and at most every
    // 10 ms per worker), so calls racing in the same instant may count a failure after a reset they
    // overlap; in sequence, each success lands before the next call.
    for (let round = 0; round < 10; round += 1) {
      for (const w of workers) await w.burst(1);
      await sleep(20);
    }
    const states = await Promise.all(workers.map((w) => w.status()));
    for (const s of states) expect(s.providers.find((p) => p.name === 'a')?.state).toBe('closed');
  }, 60_000);
});
