import { describe, expect, it } from 'vitest';
import { compareRecords, recordTtlMs, type CircuitRecord } from './circuit-record.js';
import { decodeSyncMessage } from './sync-message.js';

const record = (over: Partial<CircuitRecord>): CircuitRecord => ({
  provider: 'a',
  state: 'open',
  version: 1,
  failures: 0,
  openedAt: 0,
  openUntil: 1_000,
  cooldownUntil: null,
  updatedAt: 0,
  writer: 'w1',
  ...over,
});

describe('circuit records', () => {
  it('order: version, then open over closed, later deadline, later cooldown, greater writer', () => {
    expect(compareRecords(record({ version: 2, state: 'closed' }), record({}))).toBe(1);
    expect(compareRecords(record({ state: 'closed', openUntil: null }), record({}))).toBe(-1);
    expect(compareRecords(record({ openUntil: 2_000 }), record({}))).toBe(1);
    expect(compareRecords(record({ cooldownUntil: 5 }), record({}))).toBe(1);
    expect(compareRecords(record({ writer: 'w2' }), record({}))).toBe(1);
    expect(compareRecords(record({}), record({}))).toBe(0);
    expect(compareRecords(null, record({}))).toBe(-1);
  });

  it('lives until its deadline when open, long when closed, not at all when open and past it', () => {
    expect(recordTtlMs(record({ openUntil: 1_500 }), 1_000, 99_000)).toBe(500);
    expect(recordTtlMs(record({ openUntil: 900 }), 1_000, 99_000)).toBeNull();
    expect(recordTtlMs(record({ state: 'closed', openUntil: null }), 1_000, 99_000)).toBe(99_000);
    expect(recordTtlMs(record({ openUntil: 900, cooldownUntil: 3_000 }), 1_000, 9)).toBe(2_000);
  });

  it('decodes messages defensively: size first, then JSON, then the schema', () => {
    const ok = JSON.stringify({ type: 'state', from: 'w2', record: record({}) });
    expect(decodeSyncMessage(ok, 4_096)).toMatchObject({ ok: true });
    expect(decodeSyncMessage(ok, 16)).toEqual({ ok: false, reason: 'oversized' });
    expect(decodeSyncMessage('{nope', 4_096)).toEqual({ ok: false, reason: 'malformed' });
    const bad = JSON.stringify({ type: 'state', from: 'w2', record: record({ version: -1 }) });
    expect(decodeSyncMessage(bad, 4_096)).toEqual({ ok: false, reason: 'invalid' });
  });
});
