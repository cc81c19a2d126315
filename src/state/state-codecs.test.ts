import { describe, expect, it } from 'vitest';
import type { CircuitSnapshot } from '../types/circuit.js';
import {
  compareRecords,
  liveDeadline,
  recordTtlMs,
  toCircuitRecord,
  toSnapshot,
  type CircuitRecord,
} from './circuit-record.js';
import { ProbeClaimGate } from './probe-claim-gate.js';
import { decodeStoredRecord, decodeSyncMessage } from './sync-message.js';
import { createWorkerId } from './worker-id.js';

/**
 * What crosses the shared store and the channel is untrusted input (another version, a corrupted
 * key, a forged message): every decoder refuses anything but a well-formed record, without
 * throwing. Plus the record arithmetic the Redis script mirrors, and the probe gate's edges.
 */

const record = (over: Partial<CircuitRecord> = {}): CircuitRecord => ({
  provider: 'a',
  state: 'open',
  version: 3,
  failures: 5,
  openedAt: 1_000,
  openUntil: 31_000,
  cooldownUntil: null,
  updatedAt: 1_000,
  writer: 'host:1:abcd',
  ...over,
});

describe('decodeStoredRecord: a stored record is used only when it is one', () => {
  it('a valid record round-trips', () => {
    expect(decodeStoredRecord(JSON.stringify(record()))).toEqual(record());
  });

  it('absent, not JSON, or not a record: null, never a throw', () => {
    const malformed: (string | null | undefined)[] = [
      null,
      undefined,
      '',
      '{"provider":',
      'null',
      '[]',
      '"open"',
      JSON.stringify({ ...record(), state: 'half_open' }), // stored as open, never half_open
      JSON.stringify({ ...record(), version: 0 }),
      JSON.stringify({ ...record(), version: 1.5 }),
      JSON.stringify({ ...record(), failures: -1 }),
      JSON.stringify({ ...record(), openUntil: 9e15 }), // past the largest Date
      JSON.stringify({ ...record(), provider: '' }),
      JSON.stringify({ ...record(), writer: 'w'.repeat(129) }),
      JSON.stringify({ ...record(), extra: true }), // strict: a field this version does not know
      JSON.stringify({ ...record(), updatedAt: null }),
    ];
    for (const raw of malformed) expect(decodeStoredRecord(raw), String(raw)).toBeNull();
  });
});

describe('decodeSyncMessage: channel messages, size first', () => {
  const message = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ type: 'state', from: 'host:2:beef', record: record(), ...over });

  it('takes a Buffer as well as a string', () => {
    const decoded = decodeSyncMessage(Buffer.from(message()), 4_096);
    expect(decoded).toEqual({
      ok: true,
      message: { type: 'state', from: 'host:2:beef', record: record() },
    });
  });

  it('counts bytes, not characters: multi-byte text over the limit is oversized', () => {
    const text = message({ from: 'é'.repeat(100) });
    // 100 more bytes than characters: a limit between the two is only exceeded in bytes.
    const limit = text.length + 50;
    expect(decodeSyncMessage(text, limit)).toEqual({ ok: false, reason: 'oversized' });
    expect(decodeSyncMessage(Buffer.from(text), limit)).toEqual({
      ok: false,
      reason: 'oversized',
    });
    expect(decodeSyncMessage(text, limit + 50)).toMatchObject({ ok: true });
  });

  it('refuses other message types, missing or extra fields, and a bad record inside', () => {
    for (const raw of [
      message({ type: 'hello' }),
      message({ from: '' }),
      message({ record: undefined }),
      message({ record: { ...record(), state: 'melted' } }),
      message({ signature: 'x' }),
      JSON.stringify([message()]),
    ]) {
      expect(decodeSyncMessage(raw, 4_096)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(decodeSyncMessage(Buffer.from([0xff, 0xfe, 0x00]), 4_096)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe('circuit records: from and to snapshots, order and lifetime', () => {
  const snapshot = (over: Partial<CircuitSnapshot> = {}): CircuitSnapshot => ({
    state: 'half_open',
    version: 4,
    failures: 2,
    openedAt: 10,
    openUntil: 20,
    cooldownUntil: 30,
    updatedAt: 40,
    ...over,
  });

  it('a half-open snapshot is stored as open (past its deadline means half-open again)', () => {
    const stored = toCircuitRecord('b', snapshot(), 'w');
    expect(stored).toEqual({
      provider: 'b',
      state: 'open',
      version: 4,
      failures: 2,
      openedAt: 10,
      openUntil: 20,
      cooldownUntil: 30,
      updatedAt: 40,
      writer: 'w',
    });
    expect(toSnapshot(stored)).toEqual(snapshot({ state: 'open' }));
    expect(toCircuitRecord('b', snapshot({ state: 'closed' }), 'w').state).toBe('closed');
  });

  it('order: absent records lose to any, two absent are equal', () => {
    expect(compareRecords(null, null)).toBe(0);
    expect(compareRecords(record(), null)).toBe(1);
    expect(compareRecords(record({ version: 2 }), record({ version: 3 }))).toBe(-1);
    expect(compareRecords(record({ writer: 'a' }), record({ writer: 'b' }))).toBe(-1);
  });

  it('the live deadline: the later of a cooldown and an open deadline still ahead', () => {
    expect(liveDeadline(record({ openUntil: 5_000, cooldownUntil: 9_000 }), 1_000)).toBe(9_000);
    expect(liveDeadline(record({ openUntil: 5_000, cooldownUntil: 2_000 }), 1_000)).toBe(5_000);
    expect(liveDeadline(record({ openUntil: 500, cooldownUntil: null }), 1_000)).toBeNull();
    // A closed circuit's open deadline is history; its cooldown still counts.
    expect(
      liveDeadline(record({ state: 'closed', openUntil: 5_000, cooldownUntil: null }), 1_000),
    ).toBeNull();
    expect(
      liveDeadline(record({ state: 'closed', openUntil: null, cooldownUntil: 4_000 }), 1_000),
    ).toBe(4_000);
  });

  it('a closed record cooling down lives at least until its cooldown ends', () => {
    const closed = record({ state: 'closed', openUntil: null, cooldownUntil: 1_000 + 50_000 });
    expect(recordTtlMs(closed, 1_000, 10_000)).toBe(50_000);
    expect(recordTtlMs({ ...closed, cooldownUntil: 1_500 }, 1_000, 10_000)).toBe(10_000);
    // An open record whose deadline is this very moment: nothing left to keep.
    expect(recordTtlMs(record({ openUntil: 1_000 }), 1_000, 10_000)).toBeNull();
  });
});

describe('ProbeClaimGate edges', () => {
  const setup = () => {
    const clock = { time: 1_000, now: () => clock.time };
    const calls = { used: [] as number[], demand: 0 };
    const gate = new ProbeClaimGate(clock, () => true, {
      used: (v) => calls.used.push(v),
      demand: () => (calls.demand += 1),
    });
    return { clock, calls, gate };
  };

  it('extend and release without a held slot change nothing', () => {
    const { gate, calls } = setup();
    gate.extend(99_000);
    gate.release();
    expect(gate.heldFor()).toBeNull();
    expect(gate.tryAdmit()).toBe(false);
    expect(calls).toEqual({ used: [], demand: 1 });
  });

  it('a lapsed slot cannot be released back into use', () => {
    const { gate, clock } = setup();
    gate.grant(7, 2_000);
    expect(gate.tryAdmit()).toBe(true);
    clock.time = 2_000;
    gate.release();
    expect(gate.tryAdmit()).toBe(false);
  });

  it('a slot granted for a new open state replaces the old one', () => {
    const { gate, calls } = setup();
    gate.grant(7, 5_000);
    gate.grant(9, 6_000);
    expect(gate.heldFor()).toBe(9);
    expect(gate.tryAdmit()).toBe(true);
    expect(calls.used).toEqual([9]);
  });

  it('extend never shortens a held slot', () => {
    const { gate, clock } = setup();
    gate.grant(7, 5_000);
    gate.extend(3_000);
    clock.time = 4_000;
    expect(gate.heldFor()).toBe(7);
  });
});

describe('worker ids', () => {
  it('host, pid and a random part; unique per call; safe characters only', () => {
    const a = createWorkerId();
    const b = createWorkerId();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9._-]{1,64}:\d+:[0-9a-f]{8}$/);
    expect(a.split(':')[1]).toBe(String(process.pid));
  });
});
