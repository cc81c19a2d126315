import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from './ledger-entry.js';
import { MemoryLedger } from './memory-ledger.js';

const entry = (at: number): LedgerEntry => ({
  at,
  requestId: `req-${at}`,
  attempt: 1,
  operation: 'chat',
  provider: 'p',
  model: 'm',
  route: 'default',
  ok: true,
  usage: { promptTokens: 1, completionTokens: 1 },
  costPico: 10,
});

describe('MemoryLedger: the newest maxEntries, oldest first, the rest counted as dropped', () => {
  it('keeps everything below its bound', async () => {
    const ledger = new MemoryLedger(5);
    for (let at = 1; at <= 3; at++) ledger.append(entry(at));
    const read = await ledger.read({});
    expect(read.entries.map((e) => e.at)).toEqual([1, 2, 3]);
    expect(read.dropped).toBe(0);
  });

  it('never holds more than maxEntries, and reads the newest in order', async () => {
    const ledger = new MemoryLedger(5);
    for (let at = 1; at <= 23; at++) ledger.append(entry(at));
    const read = await ledger.read({});
    expect(read.entries.map((e) => e.at)).toEqual([19, 20, 21, 22, 23]);
    expect(read.dropped).toBe(18);
  });

  it('filters by time range (since inclusive, until exclusive) over the ring', async () => {
    const ledger = new MemoryLedger(4);
    for (let at = 1; at <= 10; at++) ledger.append(entry(at));
    const read = await ledger.read({ since: 8, until: 10 });
    expect(read.entries.map((e) => e.at)).toEqual([8, 9]);
  });
});
