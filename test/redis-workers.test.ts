import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { startAnswerGate } from './helpers/answer-gate.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Real worker processes sharing circuits through the shared Redis. */
describeRedis('Redis state sync across worker processes', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let workers: WorkerProcess[] = [];
  let prefix = '';

  async function startWorkers(
    count: number,
    breaker: Record<string, number>,
    urlOfA: string = a.baseURL,
  ) {
    prefix = uniquePrefix('proc');
    workers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startWorkerProcess({
          SIM_URLS: `${urlOfA},${b.baseURL}`,
          REDIS_URL,
          PREFIX: prefix,
          WORKER_ID: `proc-${i}`,
          BREAKER: JSON.stringify(breaker),
        }),
      ),
    );
  }

  /**
   * Waits until every worker holds the same open deadline for A, later than `after`: they all heard
   * of the (latest) open decision. Compared by deadline, not by "open" now, since on a loaded
   * machine the short recovery time may be over before every worker has been asked.
   */
  async function openEverywhere(after: number): Promise<number> {
    let openUntil = 0;
    await until(
      async () => {
        const all = await Promise.all(workers.map((w) => w.status()));
        const seen = all.map((s) => s.providers.find((p) => p.name === 'a')?.openUntil ?? 0);
        openUntil = Math.max(...seen);
        return seen.every((d) => d > after && d === openUntil);
      },
      60_000,
      'the open decision on every worker',
    );
    return openUntil;
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
    // A is reached through a gate that holds its answers: each round's probe stays in flight
    // (holding the cluster's probe slot) until every other request of the round has been served,
    // so every worker's burst meets the half-open circuit however late a loaded machine runs it.
    // The recovery time can then be short: no request is in flight when the failed probe re-opens.
    const gate = await startAnswerGate(a.baseURL);
    try {
      await startWorkers(
        4,
        { failureThreshold: 3, recoveryTimeoutMs: 1_500, halfOpenMaxCalls: 1 },
        gate.baseURL,
      );
      a.setDefault(fault.status(500));
      await workers[0]?.burst(3);
      // Every worker has heard of the open decision (compared by deadline, see openEverywhere).
      let openUntil = await openEverywhere(0);
      for (let round = 0; round < 3; round += 1) {
        await sleep(Math.max(0, openUntil - Date.now()) + 50);
        const [beforeA, beforeB] = [a.chatCalls, b.chatCalls];
        gate.hold();
        const bursts = Promise.all(workers.map((w) => w.burst(50)));
        // All 200 requests have reached an upstream: the probe(s) at A, answers held, the rest at B.
        await until(
          async () => a.chatCalls - beforeA + (b.chatCalls - beforeB) >= 200,
          60_000,
          'every request of the round at an upstream',
        );
        gate.release();
        const served = (await bursts).flat();
        expect(served.filter((p) => p === 'error')).toHaveLength(0);
        expect(a.chatCalls - beforeA).toBe(1);
        openUntil = await openEverywhere(openUntil); // re-opened by the failed probe
      }
    } finally {
      await gate.close();
    }
  });

  it('W2: a worker that dies holding the probe lock: the lock expires and another worker probes', async () => {
    await startWorkers(3, {
      failureThreshold: 3,
      recoveryTimeoutMs: 1_000,
      halfOpenMaxCalls: 1,
      probeTimeoutMs: 1_500,
    });
    a.setDefault(fault.status(500));
    await workers[0]?.burst(3);
    const openUntil = await openEverywhere(0);
    a.setDefault(fault.hang()); // the probe will never answer
    await sleep(Math.max(0, openUntil - Date.now()) + 50);
    const [before, beforeB] = [a.chatCalls, b.chatCalls];
    // The bursts never all end (the probe hangs): wait for the probe to arrive, read its lock,
    // then wait until every request has reached an upstream (the probe at A, the other 14 at B; a
    // second probe would be counted at A) and count the calls A received while the lock held.
    void Promise.all(workers.map((w) => w.burst(5))).catch(() => undefined);
    await until(async () => a.chatCalls - before >= 1, 60_000, 'the probe');
    // When the probe's claim expires: no earlier than now plus the lock's remaining time.
    const redis = new Redis(REDIS_URL);
    const [lock] = await redis.keys(`${prefix}probe:{a}:*`);
    const askedAt = Date.now();
    const lockExpiresAt = askedAt + (await redis.pttl(lock as string));
    redis.disconnect();
    expect(lockExpiresAt).toBeGreaterThan(askedAt);
    await until(
      async () => a.chatCalls - before + (b.chatCalls - beforeB) >= 15,
      60_000,
      'every request at an upstream',
    );
    const chats = () => a.requests.filter((r) => r.operation === 'chat').slice(before);
    expect(chats().filter((r) => r.receivedAt < lockExpiresAt)).toHaveLength(1);
    const statuses = await Promise.all(workers.map((w) => w.status()));
    const holder = statuses.findIndex((s) => (s.sync.counters?.probeClaimsWon ?? 0) > 0);
    expect(holder).toBeGreaterThanOrEqual(0);
    await workers[holder]!.kill('SIGKILL');
    const survivors = workers.filter((_, i) => i !== holder);
    a.setDefault(fault.ok()); // healthy again; the next probe closes the circuit
    await until(
      async () => {
        await Promise.all(survivors.map((w) => w.burst(2)));
        const states = await Promise.all(survivors.map((w) => w.status()));
        return states.every((s) => s.providers.find((p) => p.name === 'a')?.state === 'closed');
      },
      60_000,
      'another worker to probe and close',
    );
    // The dead worker's claim had to expire: the next probe reached A only after the lock's TTL
    // (compared with the lock's own expiry, not with how long the steps above took to run).
    const probes = chats();
    expect(probes.length).toBeGreaterThanOrEqual(2);
    expect(probes[1]!.receivedAt).toBeGreaterThanOrEqual(lockExpiresAt);
  });
});
