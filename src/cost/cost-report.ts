import type { LedgerEntry, LedgerRead } from './ledger-entry.js';
import { formatPico, picoToUsd } from './money.js';

export type CostGroupKey = 'provider' | 'model' | 'route' | 'key' | 'day';
export const COST_GROUP_KEYS: readonly CostGroupKey[] = [
  'provider',
  'model',
  'route',
  'key',
  'day',
];

export interface CostReportOptions {
  /** Epoch ms, a Date or an ISO date; inclusive. */
  since?: number | Date | string | undefined;
  /** Epoch ms, a Date or an ISO date; exclusive. */
  until?: number | Date | string | undefined;
  groupBy?: readonly CostGroupKey[] | undefined;
}

/** Spend of one group (or of everything, for the totals). */
export interface CostReportRow {
  /** The group's values, by the keys asked for (`key` is absent for requests without a gateway key). */
  group: Partial<Record<CostGroupKey, string>>;
  /** Distinct requests with at least one billed call. */
  requests: number;
  /** Billed calls (failed ones a provider billed included). */
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Total cost in USD (of the priced calls). */
  costUsd: number;
  /** The same total, exactly, as a decimal string of USD. */
  cost: string;
  /** Part of the total that was estimated (streams cut or aborted after output), USD. */
  estimatedUsd: number;
  /** Calls whose model had no known price: their tokens are counted, their cost is not. */
  unpriced: number;
}

export interface CostReport {
  since?: string;
  until?: string;
  groupBy: CostGroupKey[];
  rows: CostReportRow[];
  totals: CostReportRow;
  /** Ledger lines that could not be read (skipped), and entries the memory ledger dropped for space. */
  skipped: number;
  dropped: number;
}

interface Acc {
  group: Partial<Record<CostGroupKey, string>>;
  requests: Set<string>;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  pico: bigint;
  estimatedPico: bigint;
  unpriced: number;
}

const newAcc = (group: Acc['group']): Acc => ({
  group,
  requests: new Set(),
  attempts: 0,
  promptTokens: 0,
  completionTokens: 0,
  cachedPromptTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  pico: 0n,
  estimatedPico: 0n,
  unpriced: 0,
});

function add(acc: Acc, entry: LedgerEntry): void {
  acc.requests.add(entry.requestId);
  acc.attempts += 1;
  const u = entry.usage;
  if (u) {
    acc.promptTokens += u.promptTokens;
    acc.completionTokens += u.completionTokens;
    acc.cachedPromptTokens += u.cachedPromptTokens ?? 0;
    acc.cacheWriteTokens += u.cacheWriteTokens ?? 0;
    acc.reasoningTokens += u.reasoningTokens ?? 0;
  }
  if (entry.costPico === undefined) acc.unpriced += 1;
  else {
    acc.pico += BigInt(entry.costPico);
    if (entry.estimated) acc.estimatedPico += BigInt(entry.costPico);
  }
}

const toRow = (acc: Acc): CostReportRow => ({
  group: acc.group,
  requests: acc.requests.size,
  attempts: acc.attempts,
  promptTokens: acc.promptTokens,
  completionTokens: acc.completionTokens,
  cachedPromptTokens: acc.cachedPromptTokens,
  cacheWriteTokens: acc.cacheWriteTokens,
  reasoningTokens: acc.reasoningTokens,
  costUsd: picoToUsd(acc.pico),
  cost: formatPico(acc.pico),
  estimatedUsd: picoToUsd(acc.estimatedPico),
  unpriced: acc.unpriced,
});

/** Epoch ms of a report bound (a number, a Date, or a date string). */
export function toEpochMs(
  value: number | Date | string | undefined,
  name: string,
): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`${name}: not a date: ${String(value)}`);
  return ms;
}

/**
 * Spend by group, from ledger entries. Sums are exact: costs are integer pico-dollars added as
 * BigInt, so a total equals the sum of the responses' costs to the last digit (`cost` carries the
 * exact decimal; `costUsd` is the nearest double).
 */
export function buildCostReport(read: LedgerRead, options: CostReportOptions = {}): CostReport {
  const groupBy = [...(options.groupBy ?? [])];
  for (const key of groupBy) {
    if (!COST_GROUP_KEYS.includes(key))
      throw new TypeError(
        `groupBy: unknown key "${String(key)}" (use ${COST_GROUP_KEYS.join(', ')})`,
      );
  }
  const since = toEpochMs(options.since, 'since');
  const until = toEpochMs(options.until, 'until');
  const groups = new Map<string, Acc>();
  const totals = newAcc({});
  for (const entry of read.entries) {
    if ((since !== undefined && entry.at < since) || (until !== undefined && entry.at >= until))
      continue;
    const group: Acc['group'] = {};
    for (const key of groupBy) {
      const value = valueOf(entry, key);
      if (value !== undefined) group[key] = value;
    }
    const id = JSON.stringify(groupBy.map((k) => group[k] ?? null));
    let acc = groups.get(id);
    if (!acc) groups.set(id, (acc = newAcc(group)));
    add(acc, entry);
    add(totals, entry);
  }
  const rows = [...groups.values()]
    .map(toRow)
    .sort(
      (a, b) =>
        b.costUsd - a.costUsd || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)),
    );
  return {
    ...(since === undefined ? {} : { since: new Date(since).toISOString() }),
    ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
    groupBy,
    rows,
    totals: toRow(totals),
    skipped: read.skipped,
    dropped: read.dropped,
  };
}

function valueOf(entry: LedgerEntry, key: CostGroupKey): string | undefined {
  switch (key) {
    case 'day':
      return new Date(entry.at).toISOString().slice(0, 10);
    case 'key':
      return entry.key;
    default:
      return entry[key];
  }
}
