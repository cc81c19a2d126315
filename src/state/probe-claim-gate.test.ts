import { describe, expect, it } from 'vitest';
import { ProbeClaimGate } from './probe-claim-gate.js';

describe('ProbeClaimGate', () => {
  const setup = (shared = true) => {
    const clock = { time: 1_000, now: () => clock.time };
    const calls = { used: [] as number[], demand: 0 };
    const gate = new ProbeClaimGate(clock, () => shared, {
      used: (v) => calls.used.push(v),
      demand: () => (calls.demand += 1),
    });
    return { clock, calls, gate };
  };

  it('admits one probe per granted slot until it expires, and asks for a slot otherwise', () => {
    const { clock, calls, gate } = setup();
    expect(gate.tryAdmit()).toBe(false);
    expect(calls.demand).toBe(1);
    gate.grant(3, 2_000);
    expect(gate.tryAdmit()).toBe(true);
    expect(calls.used).toEqual([3]);
    expect(gate.tryAdmit()).toBe(false);
    gate.release(); // cancelled probe: the slot can be used again
    expect(gate.tryAdmit()).toBe(true);
    gate.release();
    clock.time = 2_000;
    expect(gate.tryAdmit()).toBe(false);
    gate.grant(3, 3_000); // claimed again after it lapsed: one new probe
    expect(gate.tryAdmit()).toBe(true);
    gate.extend(9_000); // kept for the probe in flight: no new probe
    expect(gate.tryAdmit()).toBe(false);
    clock.time = 5_000;
    expect(gate.heldFor()).toBe(3);
    gate.clear();
    expect(gate.heldFor()).toBeNull();
  });

  it('steps aside while the shared store is unreachable', () => {
    const { gate } = setup(false);
    expect(gate.tryAdmit()).toBe(true);
    expect(gate.tryAdmit()).toBe(true);
  });
});
