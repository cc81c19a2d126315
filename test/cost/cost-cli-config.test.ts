import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { FlexiAI } from '../../src/client/flexiai.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { silentLogger } from '../../src/internal/logger.js';
import { fault } from '../../src/testing/faults.js';
import { testIO } from '../helpers/cli-io.js';
import { runCli } from '../helpers/run-cli.js';
import { createFleet, userMessage, type Fleet } from '../helpers/sim-fleet.js';

const provider = { name: 'a', type: 'openai' as const, apiKey: 'k', model: 'gpt-4o-mini' };

function configError(config: Record<string, unknown>): string {
  try {
    new FlexiAI({ providers: [provider], ...config }, { logger: silentLogger, env: false });
  } catch (error) {
    if (ConfigurationError.isInstance(error)) return error.message;
    throw error;
  }
  throw new Error('no configuration error');
}

describe('cost configuration: bad input named by its field path', () => {
  it('an unknown currency, a negative price, a bad budget', () => {
    expect(
      configError({ pricing: { 'my-model': { currency: 'EUR', input: 1, output: 2 } } }),
    ).toContain('pricing.my-model.currency: unknown currency: prices are in USD only');
    expect(configError({ pricing: { 'my-model': { input: -1, output: 2 } } })).toContain(
      'pricing.my-model.input: must not be negative (USD per 1M tokens)',
    );
    expect(
      configError({
        pricing: { m: { input: 1, longContext: { thresholdTokens: 10, input: 1, output: -3 } } },
      }),
    ).toContain('pricing.m.longContext.output: must not be negative');
    expect(configError({ budgets: [{ name: 'x', limitUsd: 0 }] })).toContain(
      'budgets.0.limitUsd: must be more than 0',
    );
    expect(
      configError({ budgets: [{ name: 'x', limitUsd: 1, scope: { key: 'nobody' } }] }),
    ).toContain('budgets.0.scope.key: names no gateway key: "nobody"');
    expect(
      configError({ budgets: [{ name: 'x', limitUsd: 1, scope: { provider: 'zz' } }] }),
    ).toContain('budgets.0.scope.provider: names no configured provider: "zz"');
    expect(configError({ ledger: { backend: 'file' } })).toContain(
      'ledger.path: is required when backend is "file"',
    );
    expect(
      configError({
        server: {
          apiKeys: [
            { name: 'k', key: 'secret-one' },
            { name: 'k', key: 'secret-two' },
          ],
        },
      }),
    ).toContain('server.apiKeys.1.name: duplicate gateway key name "k"');
    expect(
      configError({
        server: {
          apiKeys: [
            { name: 'k', key: 'secret-one' },
            { name: 'k', key: 'secret-two' },
          ],
        },
      }),
    ).not.toContain('secret');
  });
});

describe('ai.estimateCost', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('counts an OpenAI prompt with its tokenizer and gives the prompt-only and with-maxTokens costs; no upstream call', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, model: 'gpt-4o-mini' })),
    }));
    const estimate = await fleet.ai.estimateCost({
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello, world!' },
      ],
      maxTokens: 1000,
    });
    // o200k_base: "You are a helpful assistant." = 6, "Hello, world!" = 4, "system"/"user" 1 each,
    // 3 per message and 3 for the reply: 6 + 4 + 2 + 6 + 3 = 21.
    expect(estimate).toEqual({
      provider: 'a',
      model: 'gpt-4o-mini',
      promptTokens: 21,
      maxCompletionTokens: 1000,
      minUsd: 0.00000315, // 21 x $0.15 / 1M
      maxUsd: 0.00060315, // + 1000 x $0.60 / 1M
      method: 'tokenizer',
    });
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });

  it('elsewhere: the documented approximation; maxCompletionTokens from the catalog when maxTokens is absent', async () => {
    fleet = await createFleet(['anthropic'], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, model: 'claude-opus-4-1' })),
    }));
    const estimate = await fleet.ai.estimateCost(userMessage('x'.repeat(400)));
    // 3 + (3 + "user" 1 + 400 bytes / 4 = 100) = 107 tokens.
    expect(estimate).toMatchObject({ promptTokens: 107, method: 'approximate', minUsd: 0.001605 });
    expect(estimate.maxCompletionTokens).toBe(200_000 - 107);
  });
});

describe('flexiai cost', () => {
  it('prints the ledger as a table, JSON or CSV, grouped as asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-cost-cli-'));
    const ledger = join(dir, 'ledger.jsonl');
    const fleet = await createFleet(['openai', 'anthropic'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 1, output: 2 }, 'model-b': { input: 3, output: 15 } },
      ledger: { backend: 'file', path: ledger },
    }));
    try {
      for (const model of ['a', 'a', 'b']) {
        fleet.sims[model === 'a' ? 0 : 1]?.enqueue(
          fault.ok({ usage: { promptTokens: 100, completionTokens: 10 } }),
        );
        await fleet.ai.chatCompletion({ ...userMessage(), model });
      }
      await fleet.ai.getCostReport(); // flushes
    } finally {
      await fleet.close();
    }
    writeFileSync(
      join(dir, 'flexiai.config.yaml'),
      `providers:\n  - { name: a, type: openai, apiKey: k, model: m }\nledger: { backend: file, path: ${ledger} }\n`,
    );
    const json = await runCli(['cost', '--json', '--by', 'provider'], { cwd: dir });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      rows: { group: { provider: string }; cost: string }[];
      totals: { cost: string };
    };
    expect(report.rows.map((r) => [r.group.provider, r.cost])).toEqual([
      ['b', '0.00045'],
      ['a', '0.00024'],
    ]);
    expect(report.totals.cost).toBe('0.00069');
    // The other forms through the CLI's entry in process (what the process runs, exit code
    // included, without starting three more processes; test/cli-unit/cost.test.ts has the rest).
    const inProcess = async (args: string[]) => {
      const t = testIO({ cwd: dir });
      return { code: await runMain(['cost', ...args], t.io), stdout: t.stdout() };
    };
    const table = await inProcess(['--ledger', ledger, '--since', '1d']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/provider\s+model\s+requests/);
    expect(table.stdout).toContain('$0.00069');
    const csv = await inProcess(['--ledger', ledger, '--csv', '--by', 'model']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'model,requests,calls,prompt,cached,completion,cost_usd,estimated_usd,unpriced',
    );
    const bad = await inProcess(['--ledger', ledger, '--by', 'colour']);
    expect(bad.code).toBe(2);
  }, 60_000);
});
