import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlexiAI } from '../../src/client/flexiai.js';
import { formatPico, usdToPico } from '../../src/cost/money.js';
import { ConfigurationError } from '../../src/errors/configuration-error.js';
import { StreamInterruptedError } from '../../src/errors/stream-interrupted-error.js';
import { silentLogger } from '../../src/internal/logger.js';
import { fault, type Fault } from '../../src/testing/faults.js';
import type { Attempt } from '../../src/types/attempt.js';
import { createFleet, userMessage, type Fleet } from '../helpers/sim-fleet.js';

const cut = (afterChunks: number, chunks: string[]): Fault => ({
  kind: 'stream-cut',
  afterChunks,
  reply: { chunks },
});

async function drain(stream: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _chunk of stream) {
      // reading
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('cost of streams', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('a completed stream is priced from its final usage, on the response and its attempt', async () => {
    fleet = await createFleet(['openai', 'anthropic', 'gemini'], (c) => ({
      ...c,
      pricing: {
        'model-a': { input: 1, output: 2 },
        'model-b': { input: 3, output: 15 },
        'model-c': { input: 0.3, output: 2.5 },
      },
    }));
    for (const [i, sim] of fleet.sims.entries()) {
      sim.enqueue(
        fault.ok({
          content: 'streamed answer',
          usage: { promptTokens: 100, completionTokens: 10 },
        }),
      );
      const stream = fleet.ai.chatCompletionStream({ ...userMessage(), model: 'abc'[i] });
      await drain(stream);
      const res = await stream.finalResponse();
      const expected = [0.00012, 0.00045, 0.000055][i];
      expect(res.costUsd).toBe(expected);
      expect(res.attempts.at(-1)).toMatchObject({ ok: true, costUsd: expected });
      expect(res.attempts.at(-1)?.costEstimated).toBeUndefined();
    }
  });

  it('a stream cut mid-way is billed by estimate from the tokens received, and marked estimated', async () => {
    fleet = await createFleet(['openai-compatible'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 1, output: 2 } },
    }));
    const attempts: Attempt[] = [];
    fleet.ai.on('attempt', (e) => attempts.push(e as unknown as Attempt));
    fleet.sims[0]?.enqueue(cut(2, ['Hello ', 'world ', 'never sent']));
    const error = await drain(fleet.ai.chatCompletionStream(userMessage('Hello')));
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const attempt = (error as StreamInterruptedError & { partial: { content: string } }).partial;
    expect(attempt.content).toBe('Hello world ');
    // Approximation (model-a has no tokenizer): prompt 3 + (3 + "user" 1 + "Hello" 2) = 9 tokens,
    // output "Hello world " (12 bytes) = 3 tokens: 9 x $1 + 3 x $2 = 15 micro-dollars.
    expect(attempts[0]).toMatchObject({
      outcome: 'error',
      code: 'stream_interrupted',
      costUsd: 0.000015,
      costEstimated: true,
    });
    const report = await fleet.ai.getCostReport();
    expect(report.totals).toMatchObject({
      attempts: 1,
      costUsd: 0.000015,
      estimatedUsd: 0.000015,
      promptTokens: 9,
      completionTokens: 3,
    });
  });

  it('a stream the caller stops reading after output is billed by estimate too', async () => {
    fleet = await createFleet(['openai'], (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, model: 'gpt-4o-mini' })),
    }));
    fleet.sims[0]?.enqueue(
      fault.ok({ chunks: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 20 }),
    );
    // The tokenizer loads on the first stream or estimate; here it is loaded before the stream.
    expect((await fleet.ai.estimateCost(userMessage('Hello'))).method).toBe('tokenizer');
    const stream = fleet.ai.chatCompletionStream(userMessage('Hello'));
    for await (const chunk of stream) {
      if (chunk.type === 'text-delta') break;
    }
    const report = await fleet.ai.getCostReport();
    expect(report.totals.attempts).toBe(1);
    expect(report.totals.estimatedUsd).toBeGreaterThan(0);
    // gpt-4o-mini is in the catalog ($0.15 / $0.60) and its prompt is counted with its tokenizer:
    // 3 + (3 + "user" 1 + "Hello" 1) = 8 tokens.
    expect(report.totals.promptTokens).toBe(8);
  });
});

describe('three providers, two billed calls, and the ledger', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('a failed call nobody billed costs nothing; a cut stream and the answer that followed are both billed', async () => {
    fleet = await createFleet(['openai', 'anthropic', 'gemini'], (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      retry: { ...c.retry, maxAttempts: 1 },
      pricing: {
        'model-a': { input: 1, output: 2 },
        'model-b': { input: 3, output: 15 },
        'model-c': { input: 0.3, output: 2.5 },
      },
    }));
    const [a, b, c] = fleet.sims;
    a?.enqueue(fault.status(500));
    b?.enqueue(cut(1, ['partial ', 'lost']));
    c?.enqueue(fault.ok({ content: 'served', usage: { promptTokens: 40, completionTokens: 4 } }));

    // Request 1: a fails (500: not billed), b streams then breaks (billed, estimated).
    const first = await drain(fleet.ai.chatCompletionStream(userMessage('Hello')));
    expect(StreamInterruptedError.isInstance(first)).toBe(true);
    // Request 2: a and b have open circuits (skipped, no call), c serves.
    const stream = fleet.ai.chatCompletionStream(userMessage('Hello'));
    await drain(stream);
    const res = await stream.finalResponse();
    expect(res.provider).toBe('c');
    expect(res.costUsd).toBe(0.000022); // 40 x $0.30 + 4 x $2.50
    expect([a?.chatCalls, b?.chatCalls, c?.chatCalls]).toEqual([1, 1, 1]);

    const report = await fleet.ai.getCostReport({ groupBy: ['provider'] });
    expect(report.rows.map((r) => [r.group.provider, r.attempts])).toEqual(
      expect.arrayContaining([
        ['b', 1],
        ['c', 1],
      ]),
    );
    expect(report.rows.find((r) => r.group.provider === 'a')).toBeUndefined();
    const bRow = report.rows.find((r) => r.group.provider === 'b');
    // b: prompt 9 tokens x $3 + "partial " (8 bytes) 2 tokens x $15 = 57 micro-dollars, estimated.
    expect(bRow).toMatchObject({ costUsd: 0.000057, estimatedUsd: 0.000057 });
    expect(report.totals.cost).toBe('0.000079');
    expect(report.totals.requests).toBe(2);
  });

  it('report totals equal the sum of the responses costs exactly (400 responses, prices with 3 decimals)', async () => {
    fleet = await createFleet(['openai', 'anthropic'], (c) => ({
      ...c,
      pricing: {
        'model-a': { input: 0.15, output: 0.6, cachedInput: 0.075 },
        'model-b': { input: 0.8, output: 4, cachedInput: 0.08, cacheWrite: 1 },
      },
    }));
    const costs: number[] = [];
    for (let i = 0; i < 400; i += 1) {
      const sim = fleet.sims[i % 2];
      sim?.enqueue(
        fault.ok({
          usage: { promptTokens: 101 + i * 7, completionTokens: 13 + (i % 17) },
          wireExtras:
            i % 2 ? { cacheReadTokens: i % 50, cacheWriteTokens: i % 3 } : { cachedTokens: i % 64 },
        }),
      );
      const res = await fleet.ai.chatCompletion({ ...userMessage(), model: i % 2 ? 'b' : 'a' });
      costs.push(res.costUsd as number);
    }
    const exact = costs.reduce((sum, usd) => sum + BigInt(usdToPico(usd)), 0n);
    const report = await fleet.ai.getCostReport({ groupBy: ['model'] });
    expect(report.totals.requests).toBe(400);
    expect(report.totals.cost).toBe(formatPico(exact));
    expect(report.totals.costUsd).toBe(Number(exact) / 1e12);
    const byModel = report.rows.reduce((sum, r) => sum + BigInt(usdToPico(r.costUsd)), 0n);
    expect(byModel).toBe(exact);
  });
});

describe('the JSONL ledger', () => {
  it('records each billed call; a corrupt line is skipped and counted, never fatal', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flexiai-ledger-')), 'ledger.jsonl');
    const fleet = await createFleet(['openai'], (c) => ({
      ...c,
      pricing: { 'model-a': { input: 1, output: 2 } },
      ledger: { backend: 'file', path },
    }));
    try {
      fleet.sims[0]?.enqueue(fault.ok({ usage: { promptTokens: 10, completionTokens: 5 } }));
      await fleet.ai.chatCompletion(userMessage(), { gatewayKeyId: 'team-a' });
      let report = await fleet.ai.getCostReport({ groupBy: ['key'] });
      appendFileSync(path, '{"not": "an entry"}\n{broken json\n');
      fleet.sims[0]?.enqueue(fault.ok({ usage: { promptTokens: 10, completionTokens: 5 } }));
      await fleet.ai.chatCompletion(userMessage(), { gatewayKeyId: 'team-a' });
      report = await fleet.ai.getCostReport({ groupBy: ['key'] });
      expect(report.skipped).toBe(2);
      expect(report.rows).toEqual([
        expect.objectContaining({ group: { key: 'team-a' }, attempts: 2, cost: '0.00004' }),
      ]);
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(JSON.parse(lines[0] as string)).toMatchObject({
        provider: 'a',
        model: 'model-a',
        route: 'default',
        key: 'team-a',
        costPico: 20_000_000,
      });
    } finally {
      await fleet.close();
    }
  });

  it('a ledger file that cannot be written is a clear error at startup', () => {
    const config = (path: string) => ({
      providers: [{ name: 'a', type: 'openai' as const, apiKey: 'k', model: 'm' }],
      ledger: { backend: 'file' as const, path },
    });
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-ledger-'));
    for (const path of [join(dir, 'missing-dir', 'ledger.jsonl'), dir]) {
      let error: unknown;
      try {
        new FlexiAI(config(path), { logger: silentLogger, env: false });
      } catch (e) {
        error = e;
      }
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /^ledger\.path: cannot append to ".*" \((ENOENT|EISDIR)\)$/,
      );
    }
  });
});
