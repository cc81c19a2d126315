import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildCostReport } from '../../src/cost/cost-report.js';
import { CostTracker } from '../../src/cost/cost-tracker.js';
import { CostTracking } from '../../src/cost/cost-tracking.js';
import { FileLedger } from '../../src/cost/file-ledger.js';
import type { LedgerEntry } from '../../src/cost/ledger-entry.js';
import { MemoryLedger } from '../../src/cost/memory-ledger.js';
import { formatPico, picoToUsd, pricePerTokenPico, usdToPico } from '../../src/cost/money.js';
import { candidates, PriceBook } from '../../src/cost/price-book.js';
import { countPromptTokens } from '../../src/cost/prompt-tokens.js';
import { RedisLedger } from '../../src/cost/redis-ledger.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { captureLogger } from '../helpers/capture-logger.js';

const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  at: Date.UTC(2026, 11, 1),
  requestId: 'r',
  attempt: 0,
  operation: 'chat',
  provider: 'p',
  model: 'm',
  route: 'default',
  ok: true,
  costPico: 1,
  ...over,
});

describe('money: exact integers, shown as decimals', () => {
  it('prices with up to six decimals become whole pico-dollars per token; sums stay exact past 2^53', () => {
    expect(pricePerTokenPico(0.075)).toBe(75_000);
    expect(pricePerTokenPico(0.000001)).toBe(1);
    expect(pricePerTokenPico(15)).toBe(15_000_000);
    // 0.1 + 0.2 in USD, in pico, is exactly 0.3.
    expect(formatPico(BigInt(usdToPico(0.1)) + BigInt(usdToPico(0.2)))).toBe('0.3');
    expect(picoToUsd(usdToPico(1234.56789))).toBe(1234.56789);
    expect(formatPico(2n ** 53n + 1n)).toBe('9007.199254740993');
    expect(formatPico(0)).toBe('0');
    expect(formatPico(123)).toBe('0.000000000123');
    expect(formatPico(-1_500_000_000_000n)).toBe('-1.5');
    expect(formatPico(-7)).toBe('-0.000000000007');
  });
});

describe('model prices: lookups', () => {
  it('a catalog model by its id, dated or versioned ids, path prefixes and case; never by prefix', () => {
    const book = new PriceBook();
    const gpt4o = book.find('gpt-4o');
    expect(gpt4o?.input).toBe(2.5);
    expect(book.find('gpt-4o-2024-08-06')).toBe(gpt4o);
    expect(book.find('GPT-4o')).toBe(gpt4o);
    expect(book.find('gpt-4o-mini')?.input).toBe(0.15);
    expect(book.find('gpt-4o-mini-2024-07-18')?.input).toBe(0.15);
    expect(book.find('claude-sonnet-4-5-20250929')?.output).toBe(15);
    expect(book.find('claude-3-5-haiku-latest')?.input).toBe(0.8);
    expect(book.find('models/gemini-2.5-flash-001')?.output).toBe(2.5);
    expect(book.find('publishers/google/models/gemini-2.5-pro@20250101')?.input).toBe(1.25);
    expect(book.find('gpt-4')).toBeUndefined(); // not gpt-4o, not gpt-4.1
    expect(book.find('gpt-4o-turbo-x')).toBeUndefined();
    expect(book.find('my-finetune')).toBeUndefined();
    expect(candidates('Models/GPT-4o-2024-08-06')).toEqual([
      'Models/GPT-4o-2024-08-06',
      'models/gpt-4o-2024-08-06',
      'gpt-4o-2024-08-06',
      'gpt-4o',
    ]);
  });

  it('configured prices override the catalog and are found case-insensitively', () => {
    const book = new PriceBook({
      'GPT-4o': { input: 1, output: 2 },
      'My-Model': { input: 3, output: 4 },
    });
    expect(book.find('gpt-4o')?.input).toBe(1);
    expect(book.find('my-model')?.output).toBe(4);
    expect(book.find('My-Model-20260101')?.output).toBe(4);
  });

  it('an unknown model or a missing price component: no cost, one warning per model and reason', () => {
    const log = captureLogger('warn');
    const book = new PriceBook({ 'no-cache': { input: 1, output: 1 } }, log.logger);
    const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
    expect(book.price('p', 'mystery', usage)).toBeUndefined();
    expect(book.price('p', 'mystery', usage)).toBeUndefined();
    expect(book.price('p', 'no-cache', { ...usage, cachedPromptTokens: 4 })).toBeUndefined();
    expect(book.price('p', 'no-cache', usage)).toBe(15_000_000);
    const warnings = log.lines().map((l) => String(l['msg']));
    expect(warnings).toEqual([
      'no known price for model "mystery": cost left undefined (add it under `pricing`)',
      'model "no-cache" has no "cachedInput" price but the usage has such tokens: cost left undefined (add it under `pricing`)',
    ]);
    // Without any logger, pricing still answers.
    expect(new PriceBook().price('p', 'mystery', usage)).toBeUndefined();
  });
});

describe('cost reports', () => {
  const entries = [
    entry({ requestId: 'a', at: Date.UTC(2026, 10, 30, 23), provider: 'x', costPico: 5 }),
    entry({ requestId: 'b', at: Date.UTC(2026, 11, 1, 1), provider: 'y', costPico: 5 }),
    entry({
      requestId: 'c',
      at: Date.UTC(2026, 11, 2),
      provider: 'z',
      costPico: undefined,
      usage: undefined,
    }),
  ];
  const read = { entries, skipped: 2, dropped: 1 };

  it('bounds as epoch ms, Date or ISO string: since inclusive, until exclusive', () => {
    const day = { since: '2026-12-01', until: new Date(Date.UTC(2026, 11, 2)) };
    const report = buildCostReport(read, { ...day, groupBy: ['provider'] });
    expect(report.rows.map((r) => r.group.provider)).toEqual(['y']);
    expect(report).toMatchObject({
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
      skipped: 2,
      dropped: 1,
    });
    expect(buildCostReport(read, { since: Date.UTC(2026, 11, 2) }).totals.requests).toBe(1);
    expect(() => buildCostReport(read, { since: 'last tuesday' })).toThrow(
      'since: not a date: last tuesday',
    );
    expect(() => buildCostReport(read, { until: Number.NaN })).toThrow('until: not a date');
  });

  it('equal costs sort by group; calls without usage or price count as calls, unpriced', () => {
    const report = buildCostReport(read, { groupBy: ['provider'] });
    expect(report.rows.map((r) => [r.group.provider, r.cost, r.unpriced, r.promptTokens])).toEqual([
      ['x', '0.000000000005', 0, 0],
      ['y', '0.000000000005', 0, 0],
      ['z', '0', 1, 0],
    ]);
    expect(report.totals).toMatchObject({ requests: 3, attempts: 3, cost: '0.00000000001' });
    expect(buildCostReport(read).rows).toHaveLength(1);
    expect(() => buildCostReport(read, { groupBy: ['colour' as 'day'] })).toThrow(
      'groupBy: unknown key "colour"',
    );
  });
});

describe('ledgers', () => {
  it('memory: keeps the newest maxEntries, counts what it dropped', async () => {
    const ledger = new MemoryLedger(10);
    for (let i = 0; i < 11; i += 1) ledger.append(entry({ requestId: `r${i}` }));
    let read = await ledger.read({});
    expect(read.entries.map((e) => e.requestId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `r${i + 1}`),
    );
    expect(read.dropped).toBe(1);
    ledger.append(entry({ requestId: 'r11' })); // past 1.1 x maxEntries: trimmed
    read = await ledger.read({ since: 0 });
    expect(read.entries[0]?.requestId).toBe('r2');
    expect(read.dropped).toBe(2);
    await ledger.flush();
    await ledger.close();
  });

  it('file: appends from two writers to one file never interleave within a line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-ledger-'));
    const path = join(dir, 'ledger.jsonl');
    const one = new FileLedger(path);
    const two = new FileLedger(path);
    for (let i = 0; i < 300; i += 1) {
      one.append(entry({ requestId: `one-${i}`, model: 'x'.repeat(200) }));
      two.append(entry({ requestId: `two-${i}`, model: 'y'.repeat(200) }));
    }
    await Promise.all([one.close(), two.close()]);
    const read = await FileLedger.read(path);
    expect(read.skipped).toBe(0);
    expect(read.entries).toHaveLength(600);
    expect(new Set(read.entries.map((e) => e.requestId)).size).toBe(600);
    // The writer's own read waits for its pending lines; a missing file is an error to the reader.
    const three = new FileLedger(path);
    three.append(entry({ requestId: 'late' }));
    expect((await three.read({})).entries.at(-1)?.requestId).toBe('late');
    await three.close();
    await three.close();
    await expect(FileLedger.read(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('file: a ledger that cannot be written later logs once and never throws at the caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-ledger-'));
    const log = captureLogger('error');
    const ledger = new FileLedger(join(dir, 'sub-ledger.jsonl'), log.logger);
    rmSync(dir, { recursive: true }); // before the stream opens the file
    ledger.append(entry());
    ledger.append(entry());
    const errors = () =>
      log.lines().filter((l) => l['msg'] === 'cost ledger: cannot write the ledger file');
    await vi.waitFor(() => expect(errors()).toHaveLength(1), { timeout: 30_000, interval: 10 });
    ledger.append(entry());
    await ledger.flush();
    await ledger.close();
    expect(errors()).toHaveLength(1);
    expect(() => new FileLedger(join(dir, 'gone', 'ledger.jsonl'))).toThrow(ConfigurationError);
  });

  it('redis: while Redis fails, entries wait in memory (oldest dropped past maxPending, counted) and are written when it is back', async () => {
    let down = true;
    const stored: { at: number; json: string }[] = [];
    const store = {
      appendLedger: (items: readonly { at: number; json: string }[]) => {
        if (down) return Promise.reject(new Error('connect ECONNREFUSED'));
        stored.push(...items);
        return Promise.resolve();
      },
      readLedger: () => Promise.resolve([...stored.map((s) => s.json), 'corrupt']),
    };
    const log = captureLogger('info');
    const ledger = new RedisLedger(store, log.logger, 3);
    for (let i = 0; i < 5; i += 1) ledger.append(entry({ requestId: `r${i}` }));
    await ledger.flush();
    expect(stored).toEqual([]);
    ledger.append(entry({ requestId: 'r5' })); // still down: a second attempt, no second warning
    await ledger.flush();
    down = false;
    ledger.append(entry({ requestId: 'r6' }));
    const read = await ledger.read({});
    expect(read.entries.map((e) => e.requestId)).toEqual(['r4', 'r5', 'r6']);
    expect(read).toMatchObject({ dropped: 4, skipped: 1 });
    const msgs = log.lines().map((l) => String(l['msg']));
    expect(msgs.filter((m) => m.includes('Redis unreachable'))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('Redis is back'))).toHaveLength(1);
    await ledger.close();
  });
});

describe('estimates before a request', () => {
  it('prompt tokens by the documented approximation: text, names, tool calls, tools and a JSON schema', () => {
    // One token per 4 bytes, rounded up, per piece; 3 per message and 3 to prime the reply.
    const base = countPromptTokens(
      { messages: [{ role: 'user', content: 'abcdefgh' }] },
      'claude-x',
    );
    expect(base).toEqual({ tokens: 3 + 3 + 1 + 2, exact: false });
    const rich = countPromptTokens(
      {
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'abcd' }], name: 'ops' },
          {
            role: 'assistant',
            content: null,
            toolCalls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', content: 'ok', toolCallId: 'c' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
        responseFormat: {
          type: 'json_schema',
          jsonSchema: { name: 'n', schema: { type: 'object' } },
        },
      },
      'claude-x',
    );
    const q = (s: string) => Math.ceil(Buffer.byteLength(s) / 4);
    const calls = JSON.stringify([
      { id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } },
    ]);
    const tools = JSON.stringify([{ type: 'function', function: { name: 'f', parameters: {} } }]);
    const schema = JSON.stringify({ name: 'n', schema: { type: 'object' } });
    expect(rich.tokens).toBe(
      3 +
        (3 + q('system') + q('abcd') + 1 + q('ops')) +
        (3 + q('assistant') + q(calls)) +
        (3 + q('tool') + q('ok')) +
        q(tools) +
        q(schema),
    );
    // An image is not counted: the estimate says it is not exact.
    const image = countPromptTokens(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', url: 'https://x/y.png' },
            ],
          },
        ],
      },
      'claude-x',
    );
    expect(image.exact).toBe(false);
  });

  it('the tracker: unknown routes hold nothing and reach no provider; a response from the cache costs 0', () => {
    const tracker = new CostTracker({
      ledger: new MemoryLedger(),
      resolve: (route) => {
        if (route !== 'default') throw new TypeError(`no route ${route}`);
        return [{ provider: 'p', model: 'gpt-4o' }];
      },
    });
    const request = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 100 };
    expect(tracker.reservationPico(request, 'nope')).toBe(0);
    expect(tracker.providersOf('nope')).toEqual([]);
    expect(tracker.providersOf('default')).toEqual(['p']);
    // gpt-4o: 100 output tokens at $10/1M is 1e9 pico, plus the prompt at $2.5/1M.
    expect(tracker.reservationPico(request, 'default')).toBeGreaterThan(1_000_000_000);
    const cached = tracker.priceResponse({ cached: true, attempts: [] } as never as Parameters<
      typeof tracker.priceResponse
    >[0]);
    expect(cached.costUsd).toBe(0);
    expect(
      tracker.settle({
        requestId: 'x',
        operation: 'chat',
        route: 'default',
        cached: true,
        attempts: [],
        at: 0,
      }),
    ).toBe(0);
  });
});

describe('cost tracking from configuration', () => {
  it('budgets or the Redis ledger with sync.backend redis need the Redis store (FlexiAI.create), said plainly', () => {
    const config = parseConfig({
      providers: [
        { name: 'p', type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', model: 'm' },
      ],
      sync: { backend: 'redis' },
      budgets: [{ name: 'b', limitUsd: 1 }],
    });
    expect(
      () => new CostTracking({ config, logger: captureLogger().logger, resolve: () => [] }),
    ).toThrow(
      'budgets and the Redis ledger need the Redis cost store: use `await FlexiAI.create(config)`',
    );
    const ledgerOnly = {
      ...config,
      budgets: [],
      sync: { backend: 'memory' as const },
      ledger: { ...config.ledger, backend: 'redis' as const },
    };
    expect(
      () =>
        new CostTracking({ config: ledgerOnly, logger: captureLogger().logger, resolve: () => [] }),
    ).toThrow('ledger.backend is "redis" but no Redis cost store was loaded');
  });
});
