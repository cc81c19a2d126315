import { describe, expect, it } from 'vitest';
import type { Clock } from '../internal/clock.js';
import { CircuitBreaker, type Permit, type ProbeGate } from './circuit-breaker.js';

class TestClock implements Clock {
  time = Date.UTC(2026, 0, 1);
  now(): number {
    return this.time;
  }
}

function breaker(clock: Clock, overrides: Partial<{ halfOpenMaxCalls: number }> = {}) {
  return new CircuitBreaker({
    name: 'a',
    failureThreshold: 2,
    recoveryTimeoutMs: 1_000,
    halfOpenMaxCalls: overrides.halfOpenMaxCalls ?? 1,
    probeTimeoutMs: 5_000,
    maxCooldownMs: 60_000,
    clock,
  });
}

function open(b: CircuitBreaker): void {
  for (let i = 0; i < 2; i += 1) (b.tryAcquire() as Permit).failure();
  expect(b.currentState()).toBe('open');
}

/** A gate holding `tokens` probe slots, counting what it was asked. */
function tokenGate(tokens: number) {
  const gate = {
    tokens,
    asked: 0,
    released: 0,
    tryAdmit(): boolean {
      gate.asked += 1;
      if (gate.tokens <= 0) return false;
      gate.tokens -= 1;
      return true;
    },
    release(): void {
      gate.released += 1;
      gate.tokens += 1;
    },
  } satisfies ProbeGate & Record<string, unknown>;
  return gate;
}

describe('CircuitBreaker', () => {
  it('opens at the threshold, refuses until the deadline, then admits one probe', () => {
    const clock = new TestClock();
    const b = breaker(clock);
    open(b);
    expect(b.snapshot().version).toBe(1);
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'circuit_open' });
    clock.time += 1_000;
    const probe = b.tryAcquire();
    expect(probe).toMatchObject({ ok: true, probe: true });
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'half_open_busy' });
    (probe as Permit).success();
    expect(b.currentState()).toBe('closed');
    expect(b.snapshot().version).toBe(2);
  });

  it('adopts newer remote state only, or an equal version when asked to', () => {
    const clock = new TestClock();
    const b = breaker(clock);
    open(b);
    const remote = { ...b.snapshot(), state: 'closed' as const, openUntil: null, openedAt: null };
    expect(b.applyRemoteState({ ...remote, version: 0 })).toBe(false);
    expect(b.applyRemoteState({ ...remote, version: 1 })).toBe(false);
    expect(b.currentState()).toBe('open');
    expect(b.applyRemoteState({ ...remote, version: 1 }, { replaceSameVersion: true })).toBe(true);
    expect(b.currentState()).toBe('closed');
    expect(
      b.applyRemoteState({ ...remote, version: 3, state: 'open', openUntil: clock.time + 9 }),
    ).toBe(true);
    expect(b.snapshot()).toMatchObject({ state: 'open', version: 3 });
  });
});

describe('CircuitBreaker probe gate', () => {
  it('is consulted only when a probe would be admitted, and can refuse it', () => {
    const clock = new TestClock();
    const b = breaker(clock);
    const gate = tokenGate(0);
    b.setProbeGate(gate);
    expect(b.tryAcquire()).toMatchObject({ ok: true, probe: false });
    open(b);
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'circuit_open' });
    expect(gate.asked).toBe(0);
    clock.time += 1_000;
    expect(b.tryAcquire()).toEqual({ ok: false, reason: 'half_open_busy', retryAt: null });
    expect(gate.asked).toBe(1);
    gate.tokens = 1;
    const probe = b.tryAcquire();
    expect(probe).toMatchObject({ ok: true, probe: true });
    // The local limit (halfOpenMaxCalls: 1) answers before the gate is asked again.
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'half_open_busy' });
    expect(gate.asked).toBe(2);
  });

  it('gives the slot back when a probe ends without a verdict, not after a verdict', () => {
    const clock = new TestClock();
    const b = breaker(clock, { halfOpenMaxCalls: 2 });
    const gate = tokenGate(1);
    b.setProbeGate(gate);
    open(b);
    clock.time += 1_000;
    const first = b.tryAcquire() as Permit;
    expect(first.probe).toBe(true);
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'half_open_busy' });
    first.release();
    first.release(); // settled once only
    expect(gate.released).toBe(1);
    const second = b.tryAcquire() as Permit;
    expect(second.probe).toBe(true);
    second.failure();
    expect(gate.released).toBe(1);
    expect(b.currentState()).toBe('open');
  });

  it('keeps the local behaviour when the gate is removed', () => {
    const clock = new TestClock();
    const b = breaker(clock);
    b.setProbeGate(tokenGate(0));
    b.setProbeGate(undefined);
    open(b);
    clock.time += 1_000;
    expect(b.tryAcquire()).toMatchObject({ ok: true, probe: true });
  });

  it('does not give back the slot of a probe reclaimed by the probe timeout', () => {
    const clock = new TestClock();
    const b = breaker(clock);
    const gate = tokenGate(1);
    b.setProbeGate(gate);
    open(b);
    clock.time += 1_000;
    const probe = b.tryAcquire() as Permit;
    clock.time += 5_000; // probe timeout: the local slot is reclaimed
    expect(b.tryAcquire()).toMatchObject({ ok: false, reason: 'half_open_busy', retryAt: null });
    probe.release();
    expect(gate.released).toBe(0);
  });
});
