import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { AdmissionGate, type Lease } from './admission-gate.js';

const limits = { maxInFlight: 2, maxQueued: 2, queueTimeoutMs: 1_000 };

describe('AdmissionGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('admits up to maxInFlight at once, synchronously', () => {
    const gate = new AdmissionGate(limits, 'a');
    const first = gate.enter();
    const second = gate.enter();
    expect(first).not.toBeInstanceOf(Promise);
    expect(second).not.toBeInstanceOf(Promise);
    expect(gate.inFlight).toBe(2);
    expect(gate.tryEnter()).toBeUndefined();
  });

  it('queues in FIFO order and admits as places free', async () => {
    const gate = new AdmissionGate(limits, 'a');
    const held = [gate.enter(), gate.enter()] as Lease[];
    const order: number[] = [];
    const waiting = [1, 2].map((n) =>
      Promise.resolve(gate.enter()).then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    expect(gate.queued).toBe(2);
    held[0]!.release();
    held[0]!.release(); // a second release is ignored
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual([1]);
    expect(gate.inFlight).toBe(2);
    held[1]!.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2]);
    expect(gate.queued).toBe(0);
  });

  it('sheds at once beyond maxQueued, naming the provider and when to retry', async () => {
    const gate = new AdmissionGate(limits, 'a');
    gate.enter();
    gate.enter();
    const queued = [gate.enter(), gate.enter()].map((p) => Promise.resolve(p).catch((e) => e));
    const error = await Promise.resolve(gate.enter()).catch((e: unknown) => e);
    expect(OverloadedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'queue_full', provider: 'a', code: 'overloaded' });
    expect((error as OverloadedError).retryAfterMs).toBeGreaterThan(0);
    vi.advanceTimersByTime(1_000);
    for (const late of await Promise.all(queued))
      expect(late).toMatchObject({ reason: 'queue_timeout' });
  });

  it('without a queue, the in-flight bound refuses at once', async () => {
    const gate = new AdmissionGate({ ...limits, maxQueued: 0 });
    gate.enter();
    gate.enter();
    const error = await Promise.resolve(gate.enter()).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'in_flight_limit', provider: undefined });
  });

  it('bounds the wait in time: a request still queued at queueTimeoutMs is shed', async () => {
    const gate = new AdmissionGate(limits, 'a');
    gate.enter();
    gate.enter();
    const waiting = Promise.resolve(gate.enter()).catch((e: unknown) => e);
    vi.advanceTimersByTime(999);
    expect(gate.queued).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await waiting).toMatchObject({ reason: 'queue_timeout' });
    expect(gate.queued).toBe(0);
    expect(gate.inFlight).toBe(2);
  });

  it('an aborted wait leaves the queue at once', async () => {
    const gate = new AdmissionGate(limits, 'a');
    gate.enter();
    gate.enter();
    const controller = new AbortController();
    const waiting = Promise.resolve(gate.enter(controller.signal)).catch((e: unknown) => e);
    controller.abort();
    expect(AbortedError.isInstance(await waiting)).toBe(true);
    expect(gate.queued).toBe(0);
  });

  it('a window narrower than maxInFlight holds requests back until it grows', async () => {
    const gate = new AdmissionGate({ ...limits, maxInFlight: 10 }, 'a');
    let window = 1;
    gate.setWindow(() => window);
    gate.enter();
    let admitted = false;
    void Promise.resolve(gate.enter()).then(() => (admitted = true));
    await Promise.resolve();
    expect(admitted).toBe(false);
    window = 2;
    gate.wake();
    await Promise.resolve();
    await Promise.resolve();
    expect(admitted).toBe(true);
  });
});
