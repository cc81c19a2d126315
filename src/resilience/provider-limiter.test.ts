import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, type Permit } from './circuit-breaker.js';
import { ProviderLimiter } from './provider-limiter.js';

const clock = { time: 0, now: () => clock.time };

function setup(slowStart: false | { initialWindow: number } = { initialWindow: 1 }) {
  clock.time = 0;
  const breaker = new CircuitBreaker({
    name: 'a',
    failureThreshold: 1,
    recoveryTimeoutMs: 1_000,
    halfOpenMaxCalls: 1,
    probeTimeoutMs: 10_000,
    maxCooldownMs: 60_000,
    clock,
  });
  const limiter = new ProviderLimiter(breaker, {
    maxInFlight: 4,
    maxQueued: 100,
    queueTimeoutMs: 60_000,
    slowStart,
  });
  const admit = (): Promise<Permit> => {
    const permit = breaker.tryAcquire();
    if (!permit.ok) throw new Error(`denied: ${permit.reason}`);
    return Promise.resolve(limiter.admit(permit));
  };
  return { breaker, limiter, admit };
}

/** Opens the circuit with one failure, then closes it with a good probe. */
async function openAndRecover({ breaker, admit }: ReturnType<typeof setup>): Promise<void> {
  (await admit()).failure();
  expect(breaker.currentState()).toBe('open');
  clock.time += 1_000;
  (await admit()).success();
  expect(breaker.currentState()).toBe('closed');
}

describe('ProviderLimiter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('once closed (replaced by a reload), it no longer follows the breaker it shared', async () => {
    const s = setup();
    await s.limiter.close();
    await openAndRecover(s);
    // A limiter still subscribed would have begun its ramp (limit 1) at the close.
    expect(s.limiter.slowStart?.active).toBe(false);
    expect(s.limiter.gate.limit).toBe(4);
  });

  it('ramps up after the circuit closes instead of releasing the backlog at once', async () => {
    const s = setup();
    await openAndRecover(s);
    expect(s.limiter.gate.limit).toBe(1);
    const admitted: Permit[] = [];
    const pending = Array.from({ length: 6 }, () => s.admit().then((p) => admitted.push(p)));
    await vi.advanceTimersByTimeAsync(0);
    expect(admitted).toHaveLength(1);
    // Each success widens the window by one: 1 -> 2 -> 3 -> 4 (= maxInFlight, the ramp ends).
    admitted[0]!.success();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.limiter.gate.inFlight).toBe(2);
    admitted[1]!.success();
    admitted[2]!.success();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.limiter.slowStart?.active).toBe(false);
    expect(s.limiter.gate.inFlight).toBe(3);
    await vi.advanceTimersByTimeAsync(0);
    for (const p of admitted.slice(3)) p.success();
    await Promise.all(pending);
    expect(admitted).toHaveLength(6);
  });

  it('settling the returned permit settles the breaker permit once and frees the place', async () => {
    const s = setup(false);
    const permit = await s.admit();
    expect(s.limiter.gate.inFlight).toBe(1);
    permit.failure();
    permit.failure();
    expect(s.limiter.gate.inFlight).toBe(0);
    expect(s.breaker.currentState()).toBe('open');
  });

  it('an overload releases the breaker permit without a verdict (a probe slot is freed)', async () => {
    const s = setup(false);
    (await s.admit()).failure();
    clock.time += 1_000;
    // Fill the gate so the probe cannot get a place, with no queue.
    const limiter = new ProviderLimiter(s.breaker, {
      maxInFlight: 1,
      maxQueued: 0,
      queueTimeoutMs: 1,
      slowStart: false,
    });
    limiter.gate.enter();
    const probe = s.breaker.tryAcquire();
    expect(probe.ok && probe.probe).toBe(true);
    const error = await Promise.resolve(limiter.admit(probe as Permit)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'overloaded' });
    // The probe slot is free again: the next call is admitted as a probe.
    const next = s.breaker.tryAcquire();
    expect(next.ok).toBe(true);
    expect(s.breaker.currentState()).toBe('half_open');
  });
});
