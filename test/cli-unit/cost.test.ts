import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseWhen } from '../../src/cli/commands/cost.js';
import { runMain } from '../../src/cli/main.js';
import type { LedgerEntry } from '../../src/cost/ledger-entry.js';
import { RedisCostStore } from '../../src/state/redis/redis-cost-store.js';
import { redisSyncSchema } from '../../src/config/sync-config-schema.js';
import { testIO, type TestIO } from '../helpers/cli-io.js';
import { describeRedis, REDIS_URL } from '../helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from '../helpers/redis-prefix.js';

const DAY1 = Date.UTC(2026, 10, 29, 10);
const DAY2 = Date.UTC(2026, 10, 30, 10);

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  at: DAY1,
  requestId: 'r1',
  attempt: 0,
  operation: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  route: 'default',
  ok: true,
  usage: { promptTokens: 100, completionTokens: 10 },
  costPico: 21_000_000, // $0.000021
  ...over,
});

/** A ledger of five billed calls over two days: priced, failed-and-billed, estimated, unpriced. */
const LEDGER: LedgerEntry[] = [
  entry({ requestId: 'r1', key: 'team-a' }),
  entry({
    requestId: 'r2',
    attempt: 0,
    ok: false,
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    costPico: 1_000_000_000,
    key: 'team-b',
  }),
  entry({
    requestId: 'r2',
    attempt: 1,
    key: 'team-b',
    usage: { promptTokens: 100, completionTokens: 10, cachedPromptTokens: 40 },
  }),
  entry({
    requestId: 'r3',
    at: DAY2,
    operation: 'stream',
    estimated: true,
    costPico: 500_000_000_000,
  }),
  entry({ requestId: 'r4', at: DAY2, model: 'mystery, "v2"', costPico: undefined }),
];

/** `flexiai cost` in process, over a JSONL ledger file. */
describe('flexiai cost (in process)', () => {
  let t: TestIO;
  let ledger: string;
  beforeEach(async () => {
    vi.stubEnv('NO_COLOR', '1');
    t = testIO();
    ledger = join(t.io.cwd, 'ledger.jsonl');
    await writeFile(ledger, LEDGER.map((e) => JSON.stringify(e)).join('\n') + '\n');
  });
  afterEach(() => vi.unstubAllEnvs());

  const run = async (args: string[], io = testIO({ cwd: t.io.cwd })) => ({
    code: await runMain(['cost', ...args], io.io),
    stdout: io.stdout(),
    stderr: io.stderr(),
  });

  it('a table by provider and model (the default), dearest first, with exact totals', async () => {
    const res = await run(['--ledger', 'ledger.jsonl']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Spend the start .. now');
    const lines = res.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('provider'));
    expect(lines[header]).toMatch(
      /^provider\s+model\s+requests\s+calls\s+prompt\s+cached\s+completion\s+cost_usd\s+estimated_usd\s+unpriced$/,
    );
    // openai/gpt-4o-mini: r1, r2 (attempt 1), r3 = $0.5 + 2 x $0.000021.
    expect(lines[header + 2]).toMatch(
      /^openai\s+gpt-4o-mini\s+3\s+3\s+300\s+40\s+30\s+\$0\.500042\s+0\.5\s+0$/,
    );
    expect(lines[header + 3]).toMatch(
      /^anthropic\s+claude-haiku-4-5\s+1\s+1\s+100\s+0\s+10\s+\$0\.001\s+0\s+0$/,
    );
    expect(lines[header + 4]).toMatch(
      /^openai\s+mystery, "v2"\s+1\s+1\s+100\s+0\s+10\s+\$0\s+0\s+1$/,
    );
    expect(res.stdout).toContain(
      'total: $0.501042  requests 4  calls 5  estimated $0.5  unpriced calls 1',
    );
    expect(res.stderr).toBe('');
  });

  it('--json: the report; --by day,key groups by day and gateway key (absent keys stay absent)', async () => {
    const res = await run(['--ledger', ledger, '--json', '--by', 'day, key']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as {
      groupBy: string[];
      rows: { group: Record<string, string>; cost: string; requests: number }[];
      totals: { cost: string; attempts: number };
    };
    expect(report.groupBy).toEqual(['day', 'key']);
    expect(report.rows.map((r) => [r.group, r.cost, r.requests])).toEqual([
      [{ day: '2026-11-30' }, '0.5', 2],
      [{ day: '2026-11-29', key: 'team-b' }, '0.001021', 1],
      [{ day: '2026-11-29', key: 'team-a' }, '0.000021', 1],
    ]);
    expect(report.totals).toMatchObject({ cost: '0.501042', attempts: 5 });
  });

  it('--csv: one header, quoted cells where needed, no table decoration', async () => {
    const res = await run(['--ledger', ledger, '--csv', '--by', 'model,route']);
    expect(res.code).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'model,route,requests,calls,prompt,cached,completion,cost_usd,estimated_usd,unpriced',
    );
    expect(lines).toContain('gpt-4o-mini,default,3,3,300,40,30,0.500042,0.5,0');
    expect(lines).toContain('"mystery, ""v2""",default,1,1,100,0,10,0,0,1');
    expect(lines).toHaveLength(4);
  });

  it('--since and --until take ISO dates and spans back from now; the report says its span', async () => {
    const since = await run(['--ledger', ledger, '--json', '--since', '2026-11-30']);
    const report = JSON.parse(since.stdout) as { since: string; totals: { requests: number } };
    expect(report.since).toBe('2026-11-30T00:00:00.000Z');
    expect(report.totals.requests).toBe(2);
    const until = await run(['--ledger', ledger, '--until', '2026-11-30']);
    expect(until.stdout).toContain('Spend the start .. 2026-11-30T00:00:00.000Z');
    expect(until.stdout).toContain('requests 2  calls 3');

    const recent = join(t.io.cwd, 'recent.jsonl');
    const now = Date.now();
    await writeFile(
      recent,
      [
        entry({ requestId: 'old', at: now - 3 * 86_400_000 }),
        entry({ requestId: 'new', at: now - 3_600_000 }),
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    for (const [span, requests] of [
      ['2d', 1],
      ['90m', 1],
      ['30m', 0],
      ['7d', 2],
      ['259100s', 1],
    ] as const) {
      const res = await run(['--ledger', recent, '--json', '--since', span]);
      expect(
        (JSON.parse(res.stdout) as { totals: { requests: number } }).totals.requests,
        span,
      ).toBe(requests);
    }
    expect(parseWhen(' 2h ', '--since', 10_000_000)).toBe(10_000_000 - 7_200_000);
    expect(parseWhen(undefined, '--since', 0)).toBeUndefined();
  });

  it('corrupt lines are skipped with a warning on stderr; the rest is reported', async () => {
    await appendFile(ledger, '{"torn": tr\nnot json at all\n{"at":1}\n\n');
    const res = await run(['--ledger', ledger, '--json']);
    expect(res.code).toBe(0);
    expect(
      JSON.parse(res.stdout) as { skipped: number; totals: { requests: number } },
    ).toMatchObject({
      skipped: 3,
      totals: { requests: 4 },
    });
    expect(res.stderr).toBe('warning: 3 ledger line(s) could not be read and were skipped\n');
  });

  it('usage errors exit 2: --json with --csv, an unknown --by key, a bad --since or --until', async () => {
    for (const [args, message] of [
      [['--json', '--csv'], '--json and --csv exclude each other'],
      [
        ['--by', 'provider,colour'],
        '--by: unknown key "colour" (use provider, model, route, key, day)',
      ],
      [
        ['--since', 'yesterday'],
        '--since: not a date or a span (e.g. 2026-12-01, 24h, 7d): yesterday',
      ],
      [['--until', '5w'], '--until: not a date or a span'],
    ] as const) {
      const res = await run(['--ledger', ledger, ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain(message);
      expect(res.stdout).toBe('');
    }
  });

  it('a ledger that cannot be read: exit 1 and why', async () => {
    const res = await run(['--ledger', join(t.io.cwd, 'missing.jsonl')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^cannot read the ledger: .*ENOENT/);
  });

  it('the configured ledger: a file backend is read; the in-memory default is a usage error', async () => {
    const provider =
      'providers:\n  - name: a\n    type: openai-compatible\n    baseURL: http://127.0.0.1:9/v1\n    model: m\n';
    await writeFile(
      join(t.io.cwd, 'flexiai.config.yaml'),
      `${provider}ledger:\n  backend: file\n  path: ${ledger}\n`,
    );
    const res = await run(['--by', 'provider']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/openai\s+4\s+4/);
    expect(res.stdout).toMatch(/anthropic\s+1\s+1/);

    const memory = testIO();
    await writeFile(join(memory.io.cwd, 'flexiai.config.yaml'), provider);
    const refused = await run([], memory);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the configured ledger is in memory');
    expect(refused.stderr).toContain('--ledger FILE');

    // No configuration at all: the simulated default has no ledger either (and starts nothing).
    const none = await run([], testIO());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('the configured ledger is in memory');
  });
});

describeRedis('flexiai cost over the Redis ledger (in process)', () => {
  const prefix = uniquePrefix('cost-cli');
  afterEach(() => deleteKeys(REDIS_URL, prefix));

  it('reads the shared ledger of the configuration; unreadable records are counted as skipped', async () => {
    const store = new RedisCostStore(
      redisSyncSchema.parse({ backend: 'redis', url: REDIS_URL, keyPrefix: prefix }),
      'test-writer',
    );
    try {
      await store.appendLedger([
        ...LEDGER.map((e) => ({ at: e.at, json: JSON.stringify(e) })),
        { at: DAY2, json: '{"not":"an entry"}' },
      ]);
    } finally {
      await store.close();
    }
    const t = testIO();
    await writeFile(
      join(t.io.cwd, 'flexiai.config.yaml'),
      `providers:\n  - name: a\n    type: openai-compatible\n    baseURL: http://127.0.0.1:9/v1\n    model: m\nsync:\n  backend: redis\n  url: ${REDIS_URL}\n  keyPrefix: "${prefix}"\nledger:\n  backend: redis\n`,
    );
    expect(await runMain(['cost', '--json', '--since', '2026-11-30'], t.io)).toBe(0);
    const report = JSON.parse(t.stdout()) as {
      skipped: number;
      totals: { cost: string; requests: number };
    };
    expect(report).toMatchObject({ skipped: 1, totals: { cost: '0.5', requests: 2 } });
    expect(t.stderr()).toContain('1 ledger line(s) could not be read');
  });
});
