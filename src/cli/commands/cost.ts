import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildCostReport,
  COST_GROUP_KEYS,
  type CostGroupKey,
  type CostReport,
} from '../../cost/cost-report.js';
import { FileLedger } from '../../cost/file-ledger.js';
import { parseLedgerEntry, type LedgerRead } from '../../cost/ledger-entry.js';
import { loadRedisCostStore } from '../../cost/cost-tracking.js';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { createWorkerId } from '../../state/worker-id.js';
import { processIO, type CliIO } from '../cli-io.js';
import { discoverConfig } from '../discover-config.js';
import { formatTable, style } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';

export const costHelp = `Usage: flexiai cost [--config FILE] [--ledger FILE] [--since WHEN] [--until WHEN]
                    [--by provider,model,route,key,day] [--json | --csv]

Reports spend from the cost ledger of the configuration (ledger.backend file or redis), or from a
JSONL ledger file given with --ledger. Totals are exact sums of the recorded costs.

  --since WHEN    from this time: an ISO date/time, or a span back from now (30m, 24h, 7d)
  --until WHEN    up to this time (exclusive), same forms
  --by KEYS       group by any of: ${COST_GROUP_KEYS.join(', ')} (default: provider,model)
  --ledger FILE   read this JSONL ledger file instead of the configured ledger
  --json          the report as JSON
  --csv           the rows as CSV
  -h, --help      this text

Exit codes: 0 success, 1 the ledger could not be read, 2 usage or configuration error.`;

export async function runCost(argv: string[], io: CliIO = processIO()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      ledger: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${costHelp}\n`);
    return EXIT.ok;
  }
  if (values.json && values.csv) throw new UsageError('--json and --csv exclude each other');
  const groupBy = (values.by ?? 'provider,model')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const key of groupBy) {
    if (!COST_GROUP_KEYS.includes(key as CostGroupKey)) {
      throw new UsageError(`--by: unknown key "${key}" (use ${COST_GROUP_KEYS.join(', ')})`);
    }
  }
  const now = Date.now();
  const since = parseWhen(values.since, '--since', now);
  const until = parseWhen(values.until, '--until', now);
  let read: LedgerRead;
  try {
    read = await readLedger(values.ledger, values.config, since, until, io);
  } catch (error) {
    if (ConfigurationError.isInstance(error) || error instanceof UsageError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${style.red('cannot read the ledger:')} ${reason}\n`);
    return EXIT.requestFailed;
  }
  const report = buildCostReport(read, { since, until, groupBy: groupBy as CostGroupKey[] });
  if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (values.csv) io.stdout.write(toCsv(report));
  else io.stdout.write(toTable(report));
  if (report.skipped > 0) {
    io.stderr.write(
      `${style.yellow('warning:')} ${report.skipped} ledger line(s) could not be read and were skipped\n`,
    );
  }
  return EXIT.ok;
}

async function readLedger(
  file: string | undefined,
  configPath: string | undefined,
  since: number | undefined,
  until: number | undefined,
  io: CliIO,
): Promise<LedgerRead> {
  if (file) return FileLedger.read(resolve(io.cwd, file), { since, until });
  const { config } = await discoverConfig({
    configPath,
    simulate: false,
    cwd: io.cwd,
    env: io.env,
  });
  const ledger = config.ledger;
  if (ledger.backend === 'file' && ledger.path)
    return FileLedger.read(ledger.path, { since, until });
  if (ledger.backend === 'redis' && config.sync.backend === 'redis') {
    const store = await loadRedisCostStore(config.sync, createWorkerId());
    try {
      const raw = await store.readLedger(since, until);
      const entries = [];
      let skipped = 0;
      for (const text of raw) {
        const entry = parseLedgerEntry(text);
        if (entry) entries.push(entry);
        else skipped += 1;
      }
      return { entries, skipped, dropped: 0 };
    } finally {
      await store.close();
    }
  }
  throw new UsageError(
    'the configured ledger is in memory (it lives in the serving process): set ledger.backend to file or redis, or pass --ledger FILE',
  );
}

/** An ISO date/time, or a span back from now: 90s, 30m, 24h, 7d. */
export function parseWhen(
  value: string | undefined,
  flag: string,
  now: number,
): number | undefined {
  if (value === undefined) return undefined;
  const span = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (span) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      span[2] as 's' | 'm' | 'h' | 'd'
    ];
    return now - Number(span[1]) * unit;
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new UsageError(`${flag}: not a date or a span (e.g. 2026-12-01, 24h, 7d): ${value}`);
  return ms;
}

const money = (cost: string): string => `$${cost}`;

function cells(
  row: CostReport['rows'][number],
  groupBy: readonly CostGroupKey[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of groupBy) out[key] = row.group[key] ?? '-';
  out['requests'] = String(row.requests);
  out['calls'] = String(row.attempts);
  out['prompt'] = String(row.promptTokens);
  out['cached'] = String(row.cachedPromptTokens);
  out['completion'] = String(row.completionTokens);
  out['cost_usd'] = row.cost;
  out['estimated_usd'] = String(row.estimatedUsd);
  out['unpriced'] = String(row.unpriced);
  return out;
}

function toTable(report: CostReport): string {
  const rows = report.rows.map((r) => {
    const c = cells(r, report.groupBy);
    c['cost_usd'] = money(r.cost);
    return c;
  });
  const totals = cells(report.totals, []);
  const span = `${report.since ?? 'the start'} .. ${report.until ?? 'now'}`;
  return `${style.bold(`Spend ${span}`)}\n\n${formatTable(rows)}\n\n${style.bold('total')}: ${money(report.totals.cost)}  requests ${totals['requests']}  calls ${totals['calls']}  estimated $${report.totals.estimatedUsd}  unpriced calls ${report.totals.unpriced}\n`;
}

function toCsv(report: CostReport): string {
  const rows = report.rows.map((r) => cells(r, report.groupBy));
  const header = Object.keys(cells(report.totals, report.groupBy));
  const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return (
    [header.join(','), ...rows.map((r) => header.map((h) => quote(r[h] ?? '')).join(','))].join(
      '\n',
    ) + '\n'
  );
}
