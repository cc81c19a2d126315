import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { FlexiAI } from '../src/client/flexiai.js';
import { createRedisKeys } from '../src/state/redis/redis-keys.js';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { captureLogger } from './helpers/capture-logger.js';
import { describeRedis } from './helpers/describe-redis.js';
import { uniquePrefix, waitFor } from './helpers/redis-prefix.js';
import { startOwnRedis, type OwnRedis } from './helpers/redis-server.js';
import { ask, syncWorker, type SyncWorkerOptions } from './helpers/sync-worker.js';

/** Failure modes of Redis itself, on a redis-server each test starts (and may kill or freeze). */
describeRedis('Redis state sync when Redis fails (own redis-server)', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let own: OwnRedis | undefined;
  let workers: FlexiAI[] = [];
  const prefix = uniquePrefix('fail');
  const fast = {
    commandTimeoutMs: 200,
    connectTimeoutMs: 300,
    startupTimeoutMs: 400,
    heartbeatIntervalMs: 100,
    reconnectMinDelayMs: 50,
    reconnectMaxDelayMs: 200,
  };

  const worker = async (id: string, url: string, extra: Partial<SyncWorkerOptions> = {}) => {
    const ai = await syncWorker([a, b], {
      prefix,
      workerId: id,
      ...extra,
      sync: { url, ...fast, ...extra.sync },
    });
    workers.push(ai);
    return ai;
  };
  /**
   * A command timeout far above any delay a loaded machine adds to a request, for the tests that
   * prove requests never wait on Redis: a request that waited for a command would take at least
   * this long, one that did not takes a few ms (up to some hundreds on a busy 2-core machine).
   */
  const patient = { sync: { commandTimeoutMs: 5_000 } };
  const stateOf = (ai: FlexiAI, name = 'a') => ai.getProviderStatus().find((s) => s.name === name);

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
  });
  beforeEach(() => {
    a.reset();
    b.reset();
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
    await own?.stop();
    own = undefined;
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('R1: Redis down at start: memory mode with one clear warning, all traffic served, then recovery', async () => {
    own = await startOwnRedis();
    await own.kill();
    const log = captureLogger('info');
    const started = performance.now();
    const ai = await worker('w1', own.url, { options: { logger: log.logger } });
    // It gives up after startupTimeoutMs (400 ms) instead of waiting for a connection (ioredis
    // would try for 10 s): a bound far below that, generous for a loaded machine.
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(ai.getSyncStatus()).toMatchObject({ backend: 'redis', health: 'degraded' });
    for (let i = 0; i < 20; i += 1) expect((await ask(ai)).provider).toBe('a');
    const warnings = log.lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toMatch(/not available.*local to this process/);
    await own.restart();
    await waitFor(() => ai.getSyncStatus().health === 'connected', 30_000, 'reconnect');
    await waitFor(() => (ai.getSyncStatus().lastResyncAt ?? null) !== null, 30_000, 'resync');
    expect(log.lines().filter((l) => l.level === 40)).toHaveLength(1);
  });

  it('R2: Redis killed under load: no request fails, latency stays far below the command timeout', async () => {
    own = await startOwnRedis();
    const w1 = await worker('w1', own.url, patient);
    const w2 = await worker('w2', own.url, patient);
    const latencies: number[] = [];
    let failures = 0;
    const load = async (ai: FlexiAI, n: number) => {
      for (let i = 0; i < n; i += 1) {
        const t0 = performance.now();
        await ask(ai).catch(() => (failures += 1));
        latencies.push(performance.now() - t0);
      }
    };
    const running = Promise.all([load(w1, 300), load(w2, 300), load(w1, 300), load(w2, 300)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await own.kill();
    a.setDefault(fault.status(500)); // circuits change while Redis is gone
    await running;
    expect(failures).toBe(0);
    expect(Math.max(...latencies)).toBeLessThan(patient.sync.commandTimeoutMs);
    expect(stateOf(w1)?.state).toBe('open'); // the local breakers still protect
    expect(stateOf(w2)?.state).toBe('open');
    expect(w1.getSyncStatus().health).toBe('degraded');
  });

  it('R3: Redis frozen (SIGSTOP): nothing hangs, health reports degraded, recovers after SIGCONT', async () => {
    own = await startOwnRedis();
    // Health turns degraded when a command meets the command timeout, so the test waits that long
    // once: 2 s, still far above one request on a loaded machine (the bound below is per request,
    // as in R2, not the 50 requests' sum, which a busy machine could stretch).
    const frozenTimeoutMs = 2_000;
    const w1 = await worker('w1', own.url, { sync: { commandTimeoutMs: frozenTimeoutMs } });
    own.freeze();
    a.setDefault(fault.status(500));
    const latencies: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const t0 = performance.now();
      await ask(w1); // the first opens a's circuit; its write meets the freeze
      latencies.push(performance.now() - t0);
    }
    // Not one of the 50 waited for the frozen Redis (that alone would take the command timeout).
    expect(Math.max(...latencies)).toBeLessThan(frozenTimeoutMs);
    expect(stateOf(w1)?.state).toBe('open');
    await waitFor(() => w1.getSyncStatus().health === 'degraded', 15_000, 'degraded health');
    expect(w1.getSyncStatus().counters?.commandFailures).toBeGreaterThan(0);
    own.thaw();
    await waitFor(() => w1.getSyncStatus().health === 'connected', 15_000, 'connected again');
  }, 60_000);

  it('R4: Redis restarts empty: reconnect, one subscription each, states republished, propagation within 2 s', async () => {
    own = await startOwnRedis();
    const w1 = await worker('w1', own.url);
    const w2 = await worker('w2', own.url);
    a.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) await ask(w1);
    await waitFor(() => stateOf(w2)?.state === 'open');
    await own.restart();
    const restartedAt = performance.now();
    const probe = new Redis(own.url);
    const keys = createRedisKeys(prefix);
    await waitFor(() => w1.getSyncStatus().health === 'connected', 2_000, 'w1 reconnect');
    await waitFor(() => w2.getSyncStatus().health === 'connected', 2_000, 'w2 reconnect');
    // The open state survives in the workers and is written back.
    let storedBack = false;
    await waitFor(
      () => {
        void probe.exists(keys.state('a')).then((n) => (storedBack = n === 1));
        return storedBack;
      },
      2_000,
      'republished state',
    );
    const [, subscribers] = (await probe.pubsub('NUMSUB', keys.channel)) as [string, number];
    expect(subscribers).toBe(2);
    w2.resetCircuitBreakers('a');
    await waitFor(() => stateOf(w1)?.state === 'closed', 2_000, 'propagation after restart');
    expect(performance.now() - restartedAt).toBeLessThan(2_000);
    probe.disconnect();
  });

  it('R9: wrong password: memory mode, one clear error without the password, bounded reconnect rate', async () => {
    own = await startOwnRedis({ password: 'the-right-password-0123456789' });
    const log = captureLogger('trace');
    const ai = await worker('w1', own.url, {
      sync: { password: CANARY.openai, reconnectMinDelayMs: 250, reconnectMaxDelayMs: 250 },
      options: { logger: log.logger },
    });
    expect(ai.getSyncStatus().health).toBe('degraded');
    for (let i = 0; i < 5; i += 1) expect((await ask(ai)).provider).toBe('a');
    const admin = new Redis(own.url, { password: 'the-right-password-0123456789' });
    const connections = async () =>
      Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1]);
    const before = await connections();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const during = (await connections()) - before - 1; // minus the INFO connection itself
    admin.disconnect();
    expect(during).toBeLessThanOrEqual(2 * Math.ceil(2_000 / 250) + 2); // two connections per try
    const errors = log.lines().filter((l) => l.level === 50);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(new Set(errors.map((e) => e.msg)).size).toBe(errors.length); // each distinct error once
    expect(String(errors[0]?.msg)).toMatch(/authentication failed/i);
    expect(ai.getSyncStatus().detail).toMatch(/auth/);
    expectNoCanary(log.text(), 'logs');
    expectNoCanary(JSON.stringify(ai.getSyncStatus()), 'sync status');
    expectNoCanary(JSON.stringify(ai.config), 'config');
  });

  it('R9: TLS failure: memory mode with a clear TLS error, traffic served', async () => {
    own = await startOwnRedis();
    const log = captureLogger('info');
    const ai = await worker('w1', own.url, {
      sync: { tls: true },
      options: { logger: log.logger },
    });
    expect(ai.getSyncStatus().health).toBe('degraded');
    expect((await ask(ai)).provider).toBe('a');
    await waitFor(() => log.lines().some((l) => Number(l.level) >= 40), 30_000, 'a log line');
    expect(log.text()).toMatch(/TLS|SSL|wrong version|EPROTO|not available/i);
  });

  it('S1: the Redis password never reaches Redis keys, messages, logs or status', async () => {
    own = await startOwnRedis({ password: CANARY.anthropic });
    const log = captureLogger('trace');
    const url = `redis://:${encodeURIComponent(CANARY.anthropic)}@127.0.0.1:${own.port}`;
    const w1 = await worker('w1', url, { options: { logger: log.logger } });
    const w2 = await worker('w2', url, { options: { logger: log.logger } });
    expect(w1.getSyncStatus().health).toBe('connected');
    const admin = new Redis(own.url, { password: CANARY.anthropic });
    const tap = new Redis(own.url, { password: CANARY.anthropic });
    const messages: string[] = [];
    tap.on('message', (_c: string, m: string) => messages.push(m));
    await tap.subscribe(createRedisKeys(prefix).channel);
    a.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) await ask(w1);
    await waitFor(() => stateOf(w2)?.state === 'open');
    w1.resetCircuitBreakers();
    await waitFor(() => stateOf(w2)?.state === 'closed');
    const keys = await admin.keys(`${prefix}*`);
    const dump = await Promise.all(
      keys.map(async (k) => `${k}=${JSON.stringify(await admin.dump(k))}`),
    );
    tap.disconnect();
    admin.disconnect();
    expect(messages.length).toBeGreaterThan(0);
    expectNoCanary(keys.join('\n') + dump.join('\n'), 'Redis keys and values');
    expectNoCanary(messages.join('\n'), 'Redis messages');
    expectNoCanary(log.text(), 'logs');
    expectNoCanary(
      JSON.stringify([w1.getSyncStatus(), w1.config, w1.getProviderStatus()]),
      'status',
    );
  });
});
