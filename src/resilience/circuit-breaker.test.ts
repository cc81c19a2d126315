import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import {
  CircuitBreaker,
  type CircuitChangeEvent,
  type Denial,
  type Permit,
} from './circuit-breaker.js';

const options = {
  name: 'a',
  failureThreshold: 3,
  recoveryTimeoutMs: 10_000,
  halfOpenMaxCalls: 1,
  probeTimeoutMs: 5_000,
  maxCooldownMs: 60_000,
};

const permit = (breaker: CircuitBreaker): Permit => {
  const admission = breaker.tryAcquire();
  if (!admission.ok) throw new Error(`expected a permit, got ${admission.reason}`);
  return admission;
};

const denial = (breaker: CircuitBreaker): Denial => {
  const admission = breaker.tryAcquire();
  if (admission.ok) throw new Error('expected a denial');
  return admission;
};

describe('CircuitBreaker', () => {
  let clock: FakeClock;
  let breaker: CircuitBreaker;
  let events: CircuitChangeEvent[];

  beforeEach(() => {
    clock = new FakeClock();
    breaker = new CircuitBreaker({ ...options, clock });
    events = [];
    breaker.onStateChange((e) => events.push(e));
  });

  const openIt = (): void => {
    for (let i = 0; i < options.failureThreshold; i += 1) permit(breaker).failure();
  };

  it('stays closed below the threshold; a success resets the consecutive count', () => {
    permit(breaker).failure();
    permit(breaker).failure();
    permit(breaker).success();
    permit(breaker).failure();
    permit(breaker).failure();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', failures: 2, version: 0 });
    expect(events).toHaveLength(0);
  });

  it('opens at the threshold with an absolute deadline and refuses calls until it', () => {
    openIt();
    const snap = breaker.snapshot();
    expect(snap).toMatchObject({ state: 'open', version: 1, openUntil: clock.now() + 10_000 });
    expect(denial(breaker)).toEqual({
      ok: false,
      reason: 'circuit_open',
      retryAt: clock.now() + 10_000,
    });
    clock.advance(9_999);
    expect(denial(breaker).reason).toBe('circuit_open');
    expect(events.map((e) => [e.from, e.to, e.reason, e.source])).toEqual([
      ['closed', 'open', 'failure_threshold', 'local'],
    ]);
  });

  it('C6: 100 concurrent failures give exactly one open transition and version +1', () => {
    const permits = Array.from({ length: 100 }, () => permit(breaker));
    for (const p of permits) p.failure();
    expect(events.filter((e) => e.to === 'open')).toHaveLength(1);
    expect(breaker.snapshot().version).toBe(1);
  });

  it('half-open after the recovery time admits exactly halfOpenMaxCalls probes', () => {
    const wide = new CircuitBreaker({ ...options, halfOpenMaxCalls: 3, clock });
    for (let i = 0; i < 3; i += 1) permit(wide).failure();
    clock.advance(10_000);
    expect(wide.currentState()).toBe('half_open');
    const admissions = Array.from({ length: 1000 }, () => wide.tryAcquire());
    const probes = admissions.filter((a) => a.ok);
    expect(probes).toHaveLength(3);
    expect(probes.every((p) => p.ok && p.probe)).toBe(true);
    expect(admissions.filter((a) => !a.ok && a.reason === 'half_open_busy')).toHaveLength(997);
  });

  it('a good probe closes the circuit', () => {
    openIt();
    clock.advance(10_000);
    permit(breaker).success();
    expect(breaker.snapshot()).toMatchObject({
      state: 'closed',
      failures: 0,
      openUntil: null,
      version: 2,
    });
    expect(events.map((e) => e.to)).toEqual(['open', 'half_open', 'closed']);
    expect(breaker.tryAcquire().ok).toBe(true);
  });

  it('C3: a failed probe re-opens the circuit; waiters never get in', () => {
    openIt();
    clock.advance(10_000);
    const probe = permit(breaker);
    expect(denial(breaker).reason).toBe('half_open_busy');
    probe.failure();
    expect(breaker.snapshot()).toMatchObject({
      state: 'open',
      openUntil: clock.now() + 10_000,
      version: 2,
    });
    expect(denial(breaker).reason).toBe('circuit_open');
  });

  it('C4: a probe that never reports frees its slot after probeTimeoutMs; its late report is ignored', () => {
    openIt();
    clock.advance(10_000);
    const hung = permit(breaker);
    clock.advance(4_999);
    expect(denial(breaker).reason).toBe('half_open_busy');
    clock.advance(1);
    const second = permit(breaker);
    hung.failure(); // too late: reclaimed
    expect(breaker.currentState()).toBe('half_open');
    second.success();
    expect(breaker.currentState()).toBe('closed');
  });

  it('C5: a cancelled probe is not a failure and frees the slot at once', () => {
    openIt();
    clock.advance(10_000);
    permit(breaker).release();
    expect(breaker.currentState()).toBe('half_open');
    expect(breaker.tryAcquire().ok).toBe(true);
  });

  it('ignores late reports from calls admitted before a transition', () => {
    const early = permit(breaker);
    openIt();
    clock.advance(10_000);
    permit(breaker).success(); // closed again, new epoch
    early.failure();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('settles a permit once', () => {
    const p = permit(breaker);
    p.failure();
    p.failure();
    p.failure();
    expect(breaker.snapshot().failures).toBe(1);
  });

  describe('cooldown', () => {
    it('refuses calls until the deadline and never shortens it', () => {
      expect(breaker.coolDown(clock.now() + 2_000)).toBe(true);
      expect(breaker.coolDown(clock.now() + 500)).toBe(false);
      expect(denial(breaker)).toEqual({
        ok: false,
        reason: 'cooldown',
        retryAt: clock.now() + 2_000,
      });
      clock.advance(1_999);
      expect(denial(breaker).reason).toBe('cooldown');
      clock.advance(1);
      expect(breaker.tryAcquire().ok).toBe(true);
    });

    it('extends, capped at maxCooldownMs', () => {
      breaker.coolDown(clock.now() + 1_000);
      breaker.coolDown(clock.now() + 86_400_000);
      expect(breaker.snapshot().cooldownUntil).toBe(clock.now() + 60_000);
      expect(breaker.snapshot().version).toBe(2);
    });

    it('does not change the circuit state', () => {
      breaker.coolDown(clock.now() + 1_000);
      expect(breaker.snapshot().state).toBe('closed');
      expect(events.map((e) => e.reason)).toEqual(['cooldown']);
    });
  });

  it('reset closes the circuit and clears the cooldown, with a new version', () => {
    openIt();
    breaker.coolDown(clock.now() + 5_000);
    breaker.reset();
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', cooldownUntil: null, version: 3 });
    expect(breaker.tryAcquire().ok).toBe(true);
  });

  describe('applyRemoteState', () => {
    it('adopts a newer version and reports it as remote', () => {
      const applied = breaker.applyRemoteState({
        state: 'open',
        version: 5,
        failures: 3,
        openedAt: clock.now(),
        openUntil: clock.now() + 30_000,
        cooldownUntil: null,
        updatedAt: clock.now(),
      });
      expect(applied).toBe(true);
      expect(breaker.snapshot()).toMatchObject({
        state: 'open',
        version: 5,
        openUntil: clock.now() + 30_000,
      });
      expect(events.at(-1)).toMatchObject({
        from: 'closed',
        to: 'open',
        source: 'remote',
        reason: 'remote',
      });
      expect(denial(breaker).reason).toBe('circuit_open');
    });

    it('never lets an older or equal version overwrite a newer one', () => {
      openIt(); // version 1
      const stale = { ...breaker.snapshot(), state: 'closed' as const, openUntil: null };
      expect(breaker.applyRemoteState(stale)).toBe(false);
      expect(breaker.applyRemoteState({ ...stale, version: 0 })).toBe(false);
      expect(breaker.snapshot().state).toBe('open');
    });

    it('treats a remote half_open past its deadline like the local rule', () => {
      breaker.applyRemoteState({
        state: 'half_open',
        version: 2,
        failures: 0,
        openedAt: clock.now() - 20_000,
        openUntil: clock.now() - 10_000,
        cooldownUntil: null,
        updatedAt: clock.now(),
      });
      expect(breaker.currentState()).toBe('half_open');
      expect(permit(breaker).probe).toBe(true);
    });

    it('round-trips through JSON', () => {
      openIt();
      const other = new CircuitBreaker({ ...options, clock });
      expect(other.applyRemoteState(JSON.parse(JSON.stringify(breaker.snapshot())))).toBe(true);
      expect(other.snapshot()).toEqual(breaker.snapshot());
    });
  });

  it('a throwing listener never breaks the request path', () => {
    breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    expect(() => openIt()).not.toThrow();
    expect(breaker.snapshot().state).toBe('open');
  });

  it('availableAt reports the later of cooldown and open deadline', () => {
    expect(breaker.availableAt()).toBe(clock.now());
    openIt();
    breaker.coolDown(clock.now() + 20_000);
    expect(breaker.availableAt()).toBe(clock.now() + 20_000);
  });
});

describe('CircuitBreaker shared failure counting', () => {
  it('reports closed-state failures and successes with their version; tripShared opens only that state', async () => {
    const { CircuitBreaker } = await import('./circuit-breaker.js');
    const now = { t: 0 };
    const breaker = new CircuitBreaker({
      name: 'p',
      failureThreshold: 5,
      recoveryTimeoutMs: 1_000,
      halfOpenMaxCalls: 1,
      probeTimeoutMs: 1_000,
      maxCooldownMs: 1_000,
      clock: { now: () => now.t },
    });
    const seen: string[] = [];
    breaker.setFailureCounter({
      failure: (v) => seen.push(`f${v}`),
      success: (v) => seen.push(`s${v}`),
    });
    const call = (ok: boolean) => {
      const permit = breaker.tryAcquire();
      if (!permit.ok) throw new Error('denied');
      if (ok) permit.success();
      else permit.failure();
    };
    call(false);
    call(true);
    call(false);
    expect(seen).toEqual(['f0', 's0', 'f0']);
    expect(breaker.tripShared(7)).toBe(false); // another state's count: ignored
    expect(breaker.currentState()).toBe('closed');
    expect(breaker.tripShared(0)).toBe(true);
    expect(breaker.currentState()).toBe('open');
    expect(breaker.tripShared(0)).toBe(false);
  });
});
