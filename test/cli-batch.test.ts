import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { cleanEnv, cliArgs, runCli } from './helpers/run-cli.js';

interface OutLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { code: string; message: string } | null;
}

const readLines = async (path: string): Promise<OutLine[]> =>
  (await readFile(path, 'utf8').catch(() => ''))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as OutLine);

const chatLine = (i: number) =>
  JSON.stringify({
    custom_id: `req-${i}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'default', messages: [{ role: 'user', content: `line ${i}` }] },
  });

describe('flexiai batch (real processes)', () => {
  let dir: string;
  let sims: SimulatedProvider[];
  let config: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexiai-batch-'));
    sims = await Promise.all(['a', 'b'].map((name) => createSimulatedProvider({ name })));
    config = join(dir, 'flexiai.config.json');
    await writeFile(
      config,
      JSON.stringify({
        providers: sims.map((sim, i) => ({
          name: ['a', 'b'][i],
          type: 'openai-compatible',
          baseURL: sim.baseURL,
          model: `model-${['a', 'b'][i]}`,
          embeddingModel: 'embed-1',
        })),
        retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 50 },
        circuitBreaker: { failureThreshold: 3, recoveryTimeoutMs: 300 },
      }),
    );
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));
  beforeEach(() => {
    for (const sim of sims) {
      sim.reset();
      sim.setDefault(fault.ok());
    }
  });
  const calls = () => sims.reduce((n, s) => n + s.chatCalls, 0);

  it('answers every line of a 2,000-line file through an outage: none lost, none duplicated', async () => {
    const input = join(dir, 'outage.jsonl');
    const output = join(dir, 'outage.output.jsonl');
    await rm(output, { force: true });
    await writeFile(input, `${Array.from({ length: 2000 }, (_, i) => chatLine(i)).join('\n')}\n`);
    // From the 600th upstream call on, both providers fail every call for 1.5 s.
    let seen = 0;
    let outageUntil = 0;
    let outageCalls = 0;
    for (const sim of sims) {
      sim.setDefault(() => {
        seen += 1;
        if (seen === 600) outageUntil = Date.now() + 1_500;
        if (Date.now() < outageUntil) {
          outageCalls += 1;
          return fault.status(503);
        }
        return fault.ok();
      });
    }
    const run = await runCli(['batch', input, '--config', config, '--concurrency', '32'], {
      timeoutMs: 240_000,
    });
    const lines = await readLines(output);
    expect(lines).toHaveLength(2000);
    expect(new Set(lines.map((l) => l.custom_id))).toEqual(
      new Set(Array.from({ length: 2000 }, (_, i) => `req-${i}`)),
    );
    for (const line of lines) {
      if (line.error === null) expect(line.response?.status_code).toBe(200);
      else expect(line.response?.status_code).toBeGreaterThanOrEqual(400);
    }
    const failed = lines.filter((l) => l.error !== null).length;
    expect(outageCalls).toBeGreaterThan(0);
    // The outage cost at most the lines whose calls all met it; the batch paused instead of burning the rest.
    expect(failed).toBeLessThan(outageCalls);
    expect(lines.filter((l) => l.error === null)).toHaveLength(2000 - failed);
    expect(run.code).toBe(failed ? 1 : 0);
    expect(run.stderr).toMatch(/answered, \d+ failed, 0 invalid/);
  }, 300_000);

  it('SIGINT then a restart finishes without redoing finished lines', async () => {
    // 600 lines: the first run answers 150 of them, then every upstream call hangs, so the run is
    // still going (8 lines in flight) whatever the machine's speed when the test interrupts it;
    // the restart must make exactly the 450 calls left.
    const total = 600;
    const answered = 150;
    const input = join(dir, 'resume.jsonl');
    const output = join(dir, 'resume.output.jsonl');
    await writeFile(input, `${Array.from({ length: total }, (_, i) => chatLine(i)).join('\n')}\n`);
    for (const sim of sims) sim.setDefault(() => (calls() <= answered ? fault.ok() : fault.hang()));
    const child = spawn(
      process.execPath,
      cliArgs('batch', input, '--config', config, '--concurrency', '8'),
      { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Every answered line written and the next lines in flight (hung) before the interrupt.
    for (
      let i = 0;
      i < 2_400 && ((await readLines(output)).length < answered || calls() < answered + 8);
      i += 1
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const first = await readLines(output);
    expect(first).toHaveLength(answered);
    expect(new Set(first.map((l) => l.custom_id)).size).toBe(answered);
    expect(first.every((l) => l.error === null)).toBe(true);

    for (const sim of sims) sim.reset();
    for (const sim of sims) sim.setDefault(fault.ok());
    const second = await runCli(['batch', input, '--config', config, '--concurrency', '16'], {
      timeoutMs: 240_000,
    });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`resuming: ${answered} lines already in`);
    expect(calls()).toBe(total - answered);
    const all = await readLines(output);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((l) => l.custom_id)).size).toBe(total);
  }, 300_000);

  it('reports invalid lines with their number, writes them as errors, runs embeddings', async () => {
    const input = join(dir, 'mixed.jsonl');
    const output = join(dir, 'mixed.out.jsonl');
    await writeFile(
      input,
      [
        chatLine(1),
        '{"custom_id": "broken", ',
        JSON.stringify({ custom_id: 'no-url', method: 'POST', body: {} }),
        JSON.stringify({
          custom_id: 'emb',
          method: 'POST',
          url: '/v1/embeddings',
          body: { model: 'embed-1', input: ['x', 'y'] },
        }),
        chatLine(1),
      ].join('\n'),
    );
    const run = await runCli(['batch', input, '-o', output, '--config', config]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 2: not valid JSON/);
    expect(run.stderr).toMatch(/line 3: url/);
    expect(run.stderr).toMatch(/line 5: duplicate custom_id "req-1"/);
    const lines = await readLines(output);
    const byId = new Map(lines.map((l) => [l.custom_id, l]));
    expect(lines).toHaveLength(5);
    expect(byId.get('req-1')?.response?.status_code).toBe(200);
    expect(byId.get('line-2')?.error?.message).toMatch(/^line 2: /);
    expect(byId.get('no-url')?.error?.code).toBe('invalid_request');
    const emb = byId.get('emb')?.response?.body as { data: { embedding: number[] }[] };
    expect(emb.data).toHaveLength(2);
    expect(sims.reduce((n, s) => n + s.embedCalls, 0)).toBe(1);
  });
});
