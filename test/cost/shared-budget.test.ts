import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { fault } from '../../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from '../helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from '../helpers/redis-prefix.js';
import { forkWorker } from '../helpers/worker-processes.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/budget-worker-process.ts', import.meta.url));

interface Worker {
  child: ChildProcess;
  burst(
    n: number,
    maxTokens?: number,
  ): Promise<{ answered: number; refused: number; other: number }>;
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const { child, ask } = await forkWorker(SCRIPT, env);
  return {
    child,
    burst: (n, maxTokens) => ask({ type: 'burst', n, ...(maxTokens ? { maxTokens } : {}) }),
  };
}

/**
 * 4 worker processes share a $1.00 budget through Redis; every answer costs exactly $0.01, so the
 * budget allows 100 answers. 1,000 requests are sent at once (250 per worker, the provider slowed
 * so they overlap). The provider's own call count proves refused requests reached no upstream.
 * The first two tests share their workers (the same budget config), each with a fresh budget.
 */
describeRedis('a budget shared by 4 worker processes through Redis', () => {
  let sim: SimulatedProvider;
  let prefix: string;
  const workers: Worker[] = [];

  const spentUsd = async (): Promise<number> => {
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}cost:budget:shared:*`);
      if (keys.length === 0) return 0;
      const spent = await redis.hget(keys[0] as string, 'spent');
      return Number(spent) / 1e9;
    } finally {
      redis.disconnect();
    }
  };

  /**
   * The spend once the workers' last settles have reached Redis (they are written after each
   * answer is handed over): polled until it equals `expected` or, generously, 60 s have passed;
   * then the last value read, for the test's assertions to judge.
   */
  const settledSpend = async (expected: number): Promise<number> => {
    const deadline = Date.now() + 60_000;
    let spent = await spentUsd();
    while (Math.abs(spent - expected) > 1e-9 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      spent = await spentUsd();
    }
    return spent;
  };

  /** The holdOutputTokens the running workers were started with (their budget's config). */
  let workersHold: number | undefined;

  /**
   * Sends the 1,000 requests through 4 workers whose budget holds `holdOutputTokens`. Workers
   * started with that setting are reused (starting 4 processes costs more than the burst): the
   * budget lives in Redis only, so deleting its keys gives them a fresh $1.00, and the provider's
   * record is cleared, so each run counts only its own calls.
   */
  const run = async (maxTokens: number | undefined, holdOutputTokens = 0) => {
    if (workersHold !== holdOutputTokens) await stop();
    if (workersHold === undefined) {
      prefix = uniquePrefix('budget');
      sim = await createSimulatedProvider({ name: 'a', apiKey: 'sim-key' });
      workers.push(
        ...(await Promise.all(
          Array.from({ length: 4 }, () =>
            startWorker({
              SIM_URL: sim.baseURL,
              REDIS_URL,
              PREFIX: prefix,
              LIMIT_USD: '1',
              HOLD_OUTPUT_TOKENS: String(holdOutputTokens),
            }),
          ),
        )),
      );
      workersHold = holdOutputTokens;
    } else {
      // Nothing is in flight: the previous run's spend had settled before its assertions.
      await deleteKeys(REDIS_URL, prefix);
      expect(await spentUsd()).toBe(0);
      sim.reset();
    }
    sim.setDefault(fault.slow(100, fault.ok({ usage: { promptTokens: 5, completionTokens: 10 } })));
    const results = await Promise.all(workers.map((w) => w.burst(250, maxTokens)));
    const answered = results.reduce((s, r) => s + r.answered, 0);
    return {
      answered,
      refused: results.reduce((s, r) => s + r.refused, 0),
      other: results.reduce((s, r) => s + r.other, 0),
      calls: sim.chatCalls,
      spent: await settledSpend(answered * 0.01),
    };
  };

  const stop = async () => {
    if (workersHold === undefined) return;
    workersHold = undefined;
    await Promise.all(
      workers.splice(0).map(
        (w) =>
          new Promise((resolve) => {
            w.child.once('exit', resolve);
            w.child.kill('SIGTERM');
          }),
      ),
    );
    await sim?.close();
    await deleteKeys(REDIS_URL, prefix);
  };

  afterAll(stop);

  it('requests that set maxTokens: holds cover their cost, so 1,000 concurrent requests spend exactly the limit', async () => {
    const r = await run(10);
    console.log(
      `[shared budget, maxTokens 10] answered ${r.answered}, refused ${r.refused}, upstream calls ${r.calls}, spent $${r.spent} of $1`,
    );
    expect(r.other).toBe(0);
    expect(r.answered + r.refused).toBe(1000);
    expect(r.calls).toBe(r.answered); // a refused request reached no upstream
    expect(r.spent).toBeCloseTo(r.answered * 0.01, 9);
    expect(r.answered).toBe(100);
    expect(r.spent).toBeLessThanOrEqual(1);
  });

  it('requests without maxTokens: the overspend is at most the output of the requests in flight when the limit was reached', async () => {
    const r = await run(undefined);
    const overspend = Math.max(0, r.spent - 1);
    console.log(
      `[shared budget, no maxTokens] answered ${r.answered}, refused ${r.refused}, upstream calls ${r.calls}, spent $${r.spent.toFixed(2)} of $1, overspend $${overspend.toFixed(2)}`,
    );
    expect(r.other).toBe(0);
    expect(r.calls).toBe(r.answered);
    expect(r.spent).toBeCloseTo(r.answered * 0.01, 9);
    // Only the prompt is held (free here), so every request admitted before the first answers
    // settled is in flight when the limit is reached: the overspend is their output, no more.
    expect(r.answered + r.refused).toBe(1000);
    expect(overspend).toBeLessThanOrEqual((r.answered - 100) * 0.01 + 1e-9);
  });

  it('requests without maxTokens under a budget with holdOutputTokens: held like maxTokens, no overspend', async () => {
    const r = await run(undefined, 10);
    console.log(
      `[shared budget, holdOutputTokens 10] answered ${r.answered}, refused ${r.refused}, upstream calls ${r.calls}, spent $${r.spent} of $1`,
    );
    expect(r.other).toBe(0);
    expect(r.calls).toBe(r.answered);
    expect(r.answered).toBe(100);
    expect(r.spent).toBeCloseTo(1, 9);
  });
});
