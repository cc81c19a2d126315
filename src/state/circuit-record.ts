import { z } from 'zod';
import type { CircuitSnapshot } from '../types/circuit.js';

const epochMs = z.number().int().nonnegative().max(8_640_000_000_000_000);
const deadline = epochMs.nullable();

/**
 * A provider's circuit as stored and broadcast: the breaker snapshot, the provider, and the worker
 * that decided it. A stored `half_open` is written as `open` (past its deadline means half-open).
 */
export const circuitRecordSchema = z.strictObject({
  provider: z.string().min(1).max(128),
  state: z.enum(['closed', 'open']),
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  failures: z.number().int().nonnegative().max(1_000_000_000),
  openedAt: deadline,
  openUntil: deadline,
  cooldownUntil: deadline,
  updatedAt: epochMs,
  writer: z.string().min(1).max(128),
});
export type CircuitRecord = z.output<typeof circuitRecordSchema>;

/** The record of a local breaker decision. */
export function toCircuitRecord(
  provider: string,
  snapshot: CircuitSnapshot,
  writer: string,
): CircuitRecord {
  return {
    provider,
    state: snapshot.state === 'closed' ? 'closed' : 'open',
    version: snapshot.version,
    failures: snapshot.failures,
    openedAt: snapshot.openedAt,
    openUntil: snapshot.openUntil,
    cooldownUntil: snapshot.cooldownUntil,
    updatedAt: snapshot.updatedAt,
    writer,
  };
}

/** The breaker snapshot a record describes. */
export function toSnapshot(record: CircuitRecord): CircuitSnapshot {
  return {
    state: record.state,
    version: record.version,
    failures: record.failures,
    openedAt: record.openedAt,
    openUntil: record.openUntil,
    cooldownUntil: record.cooldownUntil,
    updatedAt: record.updatedAt,
  };
}

/**
 * The total order of records, the same in every process and in the Redis script: the higher
 * version wins; on a tie (two workers decided from the same version), `open` beats `closed`, then
 * the later open deadline, then the later cooldown, then the greater writer id. Whatever order the
 * writes arrive in, every worker converges on the maximum. Positive when `a` wins.
 */
export function compareRecords(a: CircuitRecord | null, b: CircuitRecord | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const keys: [number, number][] = [
    [a.version, b.version],
    [a.state === 'open' ? 1 : 0, b.state === 'open' ? 1 : 0],
    [a.openUntil ?? 0, b.openUntil ?? 0],
    [a.cooldownUntil ?? 0, b.cooldownUntil ?? 0],
  ];
  for (const [x, y] of keys) if (x !== y) return x > y ? 1 : -1;
  return Math.sign(Buffer.compare(Buffer.from(a.writer), Buffer.from(b.writer)));
}

/** The latest deadline still ahead in a record (open-until while open, cooldown), or null. */
export function liveDeadline(record: CircuitRecord, now: number): number | null {
  const candidates = [record.cooldownUntil, record.state === 'open' ? record.openUntil : null];
  const ahead = candidates.filter((d): d is number => d !== null && d > now);
  return ahead.length ? Math.max(...ahead) : null;
}

/**
 * How long the stored record lives: an open circuit or a cooldown until its deadline (so a state
 * whose writer died can never keep a provider out: R7), a closed circuit for `closedTtlMs`.
 * Null when there is nothing left worth storing (an open circuit already past its deadline).
 */
export function recordTtlMs(
  record: CircuitRecord,
  now: number,
  closedTtlMs: number,
): number | null {
  const until = liveDeadline(record, now);
  if (record.state === 'closed') return Math.max(closedTtlMs, until === null ? 0 : until - now);
  return until === null ? null : Math.max(1, until - now);
}
