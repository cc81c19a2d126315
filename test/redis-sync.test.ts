import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { FlexiAI } from '../src/client/flexiai.js';
import { compareRecords, type CircuitRecord } from '../src/state/circuit-record.js';
import { decodeStoredRecord } from '../src/state/sync-message.js';
import { createRedisKeys } from '../src/state/redis/redis-keys.js';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix, waitFor } from './helpers/redis-prefix.js';
import { ask, syncWorker, type SyncWorkerOptions } from './helpers/sync-worker.js';

describeRedis('Redis state sync between workers (shared Redis)', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let prefix: string;
  let redis: Redis;
  let workers: FlexiAI[] = [];

  const worker = async (id: string, options: Partial<SyncWorkerOptions> = {}) => {
    const ai = await syncWorker([a, b], { prefix, workerId: id, ...options });
    workers.push(ai);
    return ai;
  };
  const stateOf = (ai: FlexiAI, name = 'a') => ai.getProviderStatus().find((s) => s.name === name);
  const stored = async (provider = 'a'): Promise<CircuitRecord | null> =>
    decodeStoredRecord(await redis.get(createRedisKeys(prefix).state(provider)));

  /** Every message published on the deployment's channel. */
  async function tapChannel(): Promise<{ messages: string[]; close(): void }> {
    const tap = new Redis(REDIS_URL);
    const messages: string[] = [];
    tap.on('message', (_channel: string, message: string) => messages.push(message));
    await tap.subscribe(createRedisKeys(prefix).channel);
    return { messages, close: () => tap.disconnect() };
  }

  async function openOn(ai: FlexiAI): Promise<void> {
    a.setDefault(fault.status(500));
    for (let i = 0; i < 3; i += 1) await ask(ai);
    expect(stateOf(ai)?.state).toBe('open');
  }

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a' });
    b = await createSimulatedProvider({ name: 'b' });
    redis = new Redis(REDIS_URL);
  });
  beforeEach(() => {
    prefix = uniquePrefix('sync');
    a.reset();
    b.reset();
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
    await deleteKeys(REDIS_URL, prefix);
  });
  afterAll(async () => {
    redis.disconnect();
    await Promise.all([a.close(), b.close()]);
  });

  it('propagates an open circuit to the other workers, which then send nothing to it', async () => {
    const [w1, w2, w3] = [await worker('w1'), await worker('w2'), await worker('w3')];
    await openOn(w1);
    await waitFor(() => stateOf(w2)?.state === 'open' && stateOf(w3)?.state === 'open');
    const callsToA = a.chatCalls;
    for (const ai of [w2, w3]) {
      for (let i = 0; i < 10; i += 1) expect((await ask(ai)).provider).toBe('b');
    }
    expect(a.chatCalls).toBe(callsToA);
    expect(w2.getSyncStatus()).toMatchObject({ backend: 'redis', health: 'connected' });
    expect(await redis.zcard(createRedisKeys(prefix).workers)).toBe(3);
  });

  it('C6: 100 concurrent failures (threshold 5) make one open transition, one broadcast, version +1', async () => {
    const w1 = await worker('w1', { circuitBreaker: { failureThreshold: 5 } });
    const w2 = await worker('w2', { circuitBreaker: { failureThreshold: 5 } });
    const tap = await tapChannel();
    const opens: number[] = [];
    w1.onCircuitStateChange((e) => {
      if (e.provider === 'a' && e.to === 'open') opens.push(e.snapshot.version);
    });
    a.setDefault(fault.slow(30, fault.status(500)));
    const results = await Promise.all(Array.from({ length: 100 }, () => ask(w1)));
    expect(results.every((r) => r.provider === 'b')).toBe(true);
    await waitFor(() => stateOf(w2)?.state === 'open');
    await new Promise((resolve) => setTimeout(resolve, 150)); // room for any extra broadcast
    tap.close();
    expect(opens).toEqual([1]);
    expect(tap.messages.filter((m) => m.includes('"provider":"a"'))).toHaveLength(1);
    expect(await stored()).toMatchObject({ state: 'open', version: 1, writer: 'w1' });
    expect(stateOf(w2)?.version).toBe(1);
  });

  it('ties: workers opening from the same version converge on one deterministic record', async () => {
    for (let round = 0; round < 5; round += 1) {
      prefix = uniquePrefix('tie');
      const ws = [await worker('w1'), await worker('w2'), await worker('w3')];
      a.setDefault(fault.status(500));
      // Every worker decides from version 0 at (nearly) the same moment.
      await Promise.all(ws.map((ai) => Promise.all([ask(ai), ask(ai), ask(ai)])));
      await waitForStored();
      await new Promise((resolve) => setTimeout(resolve, 100)); // every write has landed
      const record = await waitForStored();
      await waitFor(
        () => ws.every((ai) => stateOf(ai)?.openUntil === record.openUntil),
        2_000,
        'every worker on the stored record',
      );
      expect(new Set(ws.map((ai) => stateOf(ai)?.version))).toEqual(new Set([record.version]));
      expect(record).toMatchObject({ state: 'open', version: 1 });
      await Promise.all(ws.map((w) => w.close()));
      workers = [];
      await deleteKeys(REDIS_URL, prefix);
    }
  });

  async function waitForStored(): Promise<CircuitRecord> {
    let record: CircuitRecord | null = null;
    const deadline = Date.now() + 2_000;
    while (!record && Date.now() < deadline) {
      record = await stored();
      if (!record) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!record) throw new Error('no stored record');
    return record;
  }

  it('the compare-and-set script keeps the maximum record whatever the write order', async () => {
    const ai = await worker('w0');
    const keys = createRedisKeys(prefix);
    const { WRITE_RECORD_LUA } = await import('../src/state/redis/redis-scripts.js');
    const base = { provider: 'a', failures: 0, openedAt: 1, cooldownUntil: null, updatedAt: 1 };
    const records: CircuitRecord[] = [
      { ...base, state: 'open', version: 2, openUntil: 5_000, writer: 'w1' },
      { ...base, state: 'closed', version: 2, openUntil: null, writer: 'w9' },
      { ...base, state: 'open', version: 2, openUntil: 5_000, writer: 'w2' },
      { ...base, state: 'open', version: 2, openUntil: 4_000, writer: 'w3' },
      { ...base, state: 'open', version: 1, openUntil: 9_000, writer: 'w4' },
    ];
    const best = records.reduce((x, y) => (compareRecords(x, y) >= 0 ? x : y));
    expect(best.writer).toBe('w2');
    for (let round = 0; round < 20; round += 1) {
      await redis.del(keys.state('a'), keys.versionFloor('a'));
      const order = [...records].sort(() => Math.random() - 0.5);
      for (const record of order) {
        await redis.eval(
          WRITE_RECORD_LUA,
          2,
          keys.state('a'),
          keys.versionFloor('a'),
          JSON.stringify(record),
          60_000,
          60_000,
          `${prefix}unused`,
          'test',
        );
      }
      expect(await stored()).toEqual(best);
    }
    expect(ai).toBeDefined();
  });

  it('an expired record never takes versions back: a new decision is renumbered above the floor', async () => {
    const w1 = await worker('w1', { circuitBreaker: { recoveryTimeoutMs: 300 } });
    await openOn(w1);
    const first = await waitForStored();
    expect(first.version).toBe(1);
    expect(await redis.pttl(createRedisKeys(prefix).state('a'))).toBeLessThanOrEqual(300);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await stored()).toBeNull(); // R7: expired with the open deadline
    // A worker that never saw version 1 opens now: its version 1 is renumbered to 2.
    const w2 = await worker('w2', { circuitBreaker: { recoveryTimeoutMs: 300 } });
    await openOn(w2);
    await waitFor(() => stateOf(w2)?.version === 2);
    expect(await stored()).toMatchObject({ version: 2, writer: 'w2' });
    await waitFor(() => stateOf(w1)?.version === 2);
  });

  it('R5: a worker that missed the broadcast while disconnected resyncs on reconnect', async () => {
    const w1 = await worker('w1');
    // Reconnects after 2 s: ample room to see that it missed the broadcast, however slow the machine.
    const w2 = await worker('w2', {
      sync: { reconnectMinDelayMs: 2_000, reconnectMaxDelayMs: 2_000 },
    });
    const received = w2.getSyncStatus().counters?.received ?? 0;
    await killConnections('w2');
    await openOn(w1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stateOf(w2)?.state).toBe('closed'); // missed it
    await waitFor(() => stateOf(w2)?.state === 'open', 30_000, 'resync after reconnect');
    expect(w2.getSyncStatus().counters?.received).toBe(received);
    const callsToA = a.chatCalls;
    for (let i = 0; i < 5; i += 1) expect((await ask(w2)).provider).toBe('b');
    expect(a.chatCalls).toBe(callsToA);
  });

  it('R5: the periodic resync heals a state whose message was lost', async () => {
    const w2 = await worker('w2', { sync: { resyncIntervalMs: 200 } });
    const record: CircuitRecord = {
      provider: 'a',
      state: 'open',
      version: 4,
      failures: 3,
      openedAt: Date.now(),
      openUntil: Date.now() + 60_000,
      cooldownUntil: null,
      updatedAt: Date.now(),
      writer: 'w9',
    };
    await redis.set(createRedisKeys(prefix).state('a'), JSON.stringify(record), 'PX', 60_000);
    await waitFor(() => stateOf(w2)?.state === 'open', 30_000, 'periodic resync');
    expect(stateOf(w2)?.version).toBe(4);
  });

  it('R6: a partitioned worker protects itself, then converges; an older version never overwrites a newer', async () => {
    const w1 = await worker('w1');
    const w2 = await worker('w2', { sync: { reconnectMinDelayMs: 800, reconnectMaxDelayMs: 800 } });
    await killConnections('w2');
    await openOn(w2); // decided locally while cut off: version 1
    expect(stateOf(w2)).toMatchObject({ state: 'open', version: 1 });
    await openOn(w1); // version 1 ...
    w1.resetCircuitBreakers('a'); // 2
    await openOn(w1); // 3
    await waitFor(() => stateOf(w2)?.version === 3, 30_000, 'convergence after healing');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await stored()).toMatchObject({ version: 3, writer: 'w1', state: 'open' });
    expect(stateOf(w1)?.version).toBe(3);
  });

  it('R7: when the opener is gone the record expires with the deadline; others probe, never stuck open', async () => {
    const w1 = await worker('w1', { circuitBreaker: { recoveryTimeoutMs: 400 } });
    const w2 = await worker('w2', { circuitBreaker: { recoveryTimeoutMs: 400 } });
    await openOn(w1);
    await waitFor(() => stateOf(w2)?.state === 'open');
    await killConnections('w1'); // the opener "crashes": no goodbye, no further writes
    await w1.close();
    a.setDefault(fault.ok());
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await stored()).toBeNull();
    await waitFor(() => stateOf(w2)?.state === 'half_open');
    // The first request after the deadline may find the probe slot still being claimed.
    const served = [await ask(w2), await ask(w2), await ask(w2)].map((r) => r.provider);
    expect(served).toContain('a');
    expect(stateOf(w2)?.state).toBe('closed');
    const fresh = await worker('w3');
    expect(stateOf(fresh)?.state).toBe('closed');
  });

  it('R8: deadlines are absolute; a worker whose clock runs 2 s ahead keeps them', async () => {
    let skew = 0;
    const ahead = { now: () => Date.now() + skew };
    const w1 = await worker('w1');
    const w2 = await worker('w2', { options: { clock: ahead } });
    skew = 2_000;
    await openOn(w1);
    await waitFor(() => stateOf(w2)?.state === 'open');
    expect(stateOf(w2)?.openUntil).toBe(stateOf(w1)?.openUntil);
    const callsToA = a.chatCalls;
    for (let i = 0; i < 5; i += 1) expect((await ask(w2)).provider).toBe('b');
    expect(a.chatCalls).toBe(callsToA);
  });

  it('R10: garbage, forged, oversized and stale messages are ignored and counted; state unchanged', async () => {
    const w1 = await worker('w1');
    const w2 = await worker('w2');
    await openOn(w1);
    await waitFor(() => stateOf(w2)?.version === 1);
    const channel = createRedisKeys(prefix).channel;
    const now = Date.now();
    const valid = (over: Partial<CircuitRecord>) =>
      JSON.stringify({
        type: 'state',
        from: 'mallory',
        record: {
          provider: 'a',
          state: 'closed',
          version: 1,
          failures: 0,
          openedAt: null,
          openUntil: null,
          cooldownUntil: null,
          updatedAt: now,
          writer: 'mallory',
          ...over,
        },
      });
    await redis.publish(channel, 'not json at all');
    await redis.publish(channel, '{"type":"state","from":"x"}');
    await redis.publish(channel, JSON.stringify({ type: 'state', pad: 'x'.repeat(10_000) }));
    await redis.publish(channel, valid({ version: 1 })); // stale: not newer than what w2 has
    await redis.publish(channel, valid({ version: 999 })); // forged: the store does not hold it
    await redis.publish(channel, valid({ provider: 'zz', version: 5 }));
    await redis.publish(channel, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    const ignoredCount = () =>
      Object.values(w2.getSyncStatus().counters?.ignored ?? {}).reduce((x, y) => x + y, 0);
    await waitFor(() => ignoredCount() >= 7);
    expect(w2.getSyncStatus().counters?.ignored).toEqual({
      oversized: 1,
      malformed: 2,
      invalid: 1,
      unknown_provider: 1,
      stale: 1,
      forged: 1,
    });
    expect(stateOf(w2)).toMatchObject({ state: 'open', version: 1 });
    expect(w2.getSyncStatus().health).toBe('connected');
  });

  it('R11: a flapping provider is coalesced; the subscriber connection is never dropped', async () => {
    const w1 = await worker('w1', { sync: { coalesceWindowMs: 50 } });
    const w2 = await worker('w2');
    const tap = await tapChannel();
    const connects = w2.getSyncStatus().counters?.connects;
    const started = performance.now();
    let transitions = 0;
    while (performance.now() - started < 1_000) {
      for (let i = 0; i < 200; i += 1) {
        w1.resetCircuitBreakers('a'); // a decision: a new version each time
        transitions += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const elapsed = performance.now() - started;
    const finalVersion = stateOf(w1)?.version;
    await waitFor(() => stateOf(w2)?.version === finalVersion, 30_000, 'last state delivered');
    tap.close();
    expect(transitions).toBeGreaterThan(2_000);
    expect(tap.messages.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 3);
    expect(w1.getSyncStatus().counters?.coalesced).toBeGreaterThan(transitions - 100);
    expect(w2.getSyncStatus()).toMatchObject({ health: 'connected' });
    expect(w2.getSyncStatus().counters?.connects).toBe(connects);
  });

  /** Drops every connection of a worker (as a network cut would); ioredis reconnects with backoff. */
  async function killConnections(workerId: string): Promise<void> {
    const list = await redis.client('LIST');
    const ids = String(list)
      .split('\n')
      .filter((line) => line.includes(`name=flexiai-`) && line.includes(`-${workerId} `))
      .map((line) => /id=(\d+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined);
    expect(ids.length).toBe(2);
    for (const id of ids) await redis.client('KILL', 'ID', id);
  }
});
