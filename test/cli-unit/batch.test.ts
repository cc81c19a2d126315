import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fault } from '../../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { testIO, type TestIO } from '../helpers/cli-io.js';

interface OutLine {
  custom_id: string;
  response: { status_code: number; request_id: string | null; body: unknown } | null;
  error: { code: string; message: string } | null;
}

const chatLine = (id: string, body: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { messages: [{ role: 'user', content: `say ${id}` }], ...body },
  });

/** `flexiai batch` in process, over small files, against simulated providers. */
describe('flexiai batch (in process)', () => {
  let sims: SimulatedProvider[];
  let t: TestIO;
  const calls = () => sims.reduce((n, s) => n + s.chatCalls, 0);

  beforeAll(async () => {
    sims = await Promise.all(
      ['a', 'b'].map((name) => createSimulatedProvider({ name, apiKey: CANARY.compatible })),
    );
  });
  afterAll(() => Promise.all(sims.map((s) => s.close())));
  beforeEach(async () => {
    vi.stubEnv('NO_COLOR', '1');
    for (const sim of sims) sim.reset();
    t = testIO();
    await writeFile(
      join(t.io.cwd, 'flexiai.config.json'),
      JSON.stringify({
        providers: sims.map((sim, i) => ({
          name: ['a', 'b'][i],
          type: 'openai-compatible',
          baseURL: sim.baseURL,
          apiKey: CANARY.compatible,
          model: `model-${['a', 'b'][i]}`,
          embeddingModel: 'embed-1',
        })),
        retry: { maxAttempts: 1 },
      }),
    );
  });
  afterEach(() => vi.unstubAllEnvs());

  const read = async (name: string): Promise<OutLine[]> =>
    (await readFile(join(t.io.cwd, name), 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as OutLine);

  it('answers every line into IN.output.jsonl (paths relative to the working directory); exit 0', async () => {
    await writeFile(
      join(t.io.cwd, 'in.jsonl'),
      ['x', 'y', 'z'].map((id) => chatLine(id)).join('\n') + '\n\n',
    );
    expect(await runMain(['batch', 'in.jsonl'], t.io)).toBe(0);
    const lines = await read('in.output.jsonl');
    expect(lines.map((l) => l.custom_id).sort()).toEqual(['x', 'y', 'z']);
    for (const line of lines) {
      expect(line.error).toBeNull();
      expect(line.response?.status_code).toBe(200);
      expect(line.response?.request_id).toBe(`batch-${line.custom_id}`);
      const body = line.response?.body as { choices: { message: { content: string } }[] };
      expect(body.choices[0]?.message.content).toBe(`(a) You said: say ${line.custom_id}`);
    }
    expect(calls()).toBe(3);
    expect(t.stderr()).toContain(`configuration: ${join(t.io.cwd, 'flexiai.config.json')}`);
    expect(t.stderr()).toContain('done: 3 answered, 0 failed, 0 invalid -> in.output.jsonl');
    expectNoCanary(t.stderr() + (await readFile(join(t.io.cwd, 'in.output.jsonl'), 'utf8')));
  });

  it('failed, invalid and duplicate lines are written as errors; exit 1 with a summary; no upstream call for invalid ones', async () => {
    sims[0]?.setDefault((req) =>
      JSON.stringify(req.body).includes('say down') ? fault.status(500) : fault.ok(),
    );
    sims[1]?.setDefault((req) =>
      JSON.stringify(req.body).includes('say down') ? fault.status(503) : fault.ok(),
    );
    await writeFile(
      join(t.io.cwd, 'mixed.jsonl'),
      [
        chatLine('ok'),
        chatLine('down'),
        chatLine('streamed', { stream: true }),
        chatLine('bad-body', { messages: 'hello' }),
        '{"custom_id": "torn"',
        chatLine('ok'),
        JSON.stringify({
          custom_id: 'emb',
          method: 'POST',
          url: '/v1/embeddings',
          body: { model: 'embed-1', input: 'x' },
        }),
        JSON.stringify({ custom_id: 'no-url', method: 'POST', body: {} }),
        'null',
      ].join('\n'),
    );
    expect(
      await runMain(['batch', 'mixed.jsonl', '-o', 'out.jsonl', '--concurrency', '1'], t.io),
    ).toBe(1);
    const byId = new Map((await read('out.jsonl')).map((l) => [l.custom_id, l]));
    expect([...byId.keys()].sort()).toEqual(
      [
        'bad-body',
        'down',
        'emb',
        'line-5',
        'line-9',
        'no-url',
        'ok',
        'ok#line-6',
        'streamed',
      ].sort(),
    );
    expect(byId.get('ok')?.response?.status_code).toBe(200);
    expect(byId.get('emb')?.response?.status_code).toBe(200);
    expect(byId.get('down')?.response?.status_code).toBeGreaterThanOrEqual(500);
    expect(byId.get('down')?.error?.message).toBeTruthy();
    expect(byId.get('streamed')?.response?.status_code).toBe(400);
    expect(byId.get('streamed')?.error?.message).toContain('stream');
    expect(byId.get('bad-body')?.response?.status_code).toBe(400);
    expect(byId.get('line-5')).toMatchObject({
      response: null,
      error: { code: 'invalid_request', message: 'line 5: not valid JSON' },
    });
    expect(byId.get('ok#line-6')?.error?.message).toBe('line 6: duplicate custom_id "ok"');
    expect(byId.get('no-url')?.error?.message).toMatch(/^line 8: url: /);
    expect(byId.get('line-9')?.error?.message).toMatch(/^line 9: \(line\): /);
    // ok, down (a and b), emb: the invalid lines never reached a provider.
    expect(calls()).toBe(3);
    expect(sims.reduce((n, s) => n + s.embedCalls, 0)).toBe(1);
    expect(t.stderr()).toContain('line 5: not valid JSON');
    expect(t.stderr()).toContain('line 6: duplicate custom_id "ok"');
    expect(t.stderr()).toContain('some lines failed: 2 answered, 3 failed, 4 invalid -> out.jsonl');
    expectNoCanary(t.stderr() + JSON.stringify([...byId.values()]));
  });

  it('resumes: custom_ids already in the output are skipped, a torn last line is cut off first', async () => {
    await writeFile(
      join(t.io.cwd, 'in.jsonl'),
      ['a1', 'a2', 'a3', 'a4'].map((id) => chatLine(id)).join('\n'),
    );
    const done = (id: string) =>
      JSON.stringify({
        id: `batch_req_${id}`,
        custom_id: id,
        response: { status_code: 200 },
        error: null,
      });
    await writeFile(
      join(t.io.cwd, 'in.output.jsonl'),
      `${done('a1')}\nnot a line of ours\n${done('a3')}\n{"custom_id":"a4","resp`,
    );
    expect(await runMain(['batch', join(t.io.cwd, 'in.jsonl')], t.io)).toBe(0);
    expect(calls()).toBe(2);
    const text = await readFile(join(t.io.cwd, 'in.output.jsonl'), 'utf8');
    expect(text).not.toContain('"resp\n');
    const ids = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as OutLine).custom_id);
    expect(ids.sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(t.stderr()).toContain('resuming: 2 lines already in');
    expect(t.stderr()).toContain('done: 2 answered, 0 failed, 0 invalid, 2 already done');

    // Everything done: nothing is sent again.
    const again = testIO({ cwd: t.io.cwd });
    expect(await runMain(['batch', 'in.jsonl'], again.io)).toBe(0);
    expect(calls()).toBe(2);
    expect(again.stderr()).toContain('0 answered, 0 failed, 0 invalid, 4 already done');
  });

  it('SIGINT: lines in flight are abandoned unwritten, exit 130, and the next run does them', async () => {
    sims[0]?.setDefault((req) =>
      JSON.stringify(req.body).includes('say slow') ? fault.hang() : fault.ok(),
    );
    await writeFile(join(t.io.cwd, 'in.jsonl'), [chatLine('quick'), chatLine('slow')].join('\n'));
    const run = runMain(['batch', 'in.jsonl', '--concurrency', '2'], t.io);
    await vi.waitFor(
      () =>
        expect(sims[0]?.requests.some((r) => JSON.stringify(r.body).includes('say slow'))).toBe(
          true,
        ),
      { timeout: 60_000, interval: 10 },
    );
    await vi.waitFor(async () => expect(await read('in.output.jsonl')).toHaveLength(1), {
      timeout: 60_000,
      interval: 10,
    });
    t.signals.emit('SIGINT');
    t.signals.emit('SIGINT'); // a second one changes nothing
    expect(await run).toBe(130);
    expect((await read('in.output.jsonl')).map((l) => l.custom_id)).toEqual(['quick']);
    expect(t.stderr()).toContain('interrupted: finishing the lines in flight; run again to resume');
    expect(t.stderr()).toContain(
      'interrupted: 1 answered, 0 failed, 0 invalid, 1 left for the next run',
    );
    expect(t.signals.listenerCount('SIGINT')).toBe(0);

    sims[0]?.setDefault(fault.ok());
    const again = testIO({ cwd: t.io.cwd });
    expect(await runMain(['batch', 'in.jsonl'], again.io)).toBe(0);
    expect((await read('in.output.jsonl')).map((l) => l.custom_id)).toEqual(['quick', 'slow']);
  });

  it('on a terminal, progress is one live line on stderr', async () => {
    const tty = testIO({ cwd: t.io.cwd, stderrTTY: true });
    await writeFile(join(t.io.cwd, 'in.jsonl'), [chatLine('p1'), chatLine('p2')].join('\n'));
    expect(await runMain(['batch', 'in.jsonl'], tty.io)).toBe(0);
    const live = tty.stderr().split('\r\u001b[K').slice(1);
    expect(live).toHaveLength(2);
    expect(live[0]).toMatch(/^1\/2 lines, [\d.]+\/s, ETA \w+, 0 failed$/);
    expect(live[1]).toMatch(/^2\/2 lines, [\d.]+\/s, ETA 0s, 0 failed\ndone: 2 answered/);
  });

  it('usage errors exit 2 before reading anything; so does a missing input file, named, without a stack', async () => {
    for (const [args, message] of [
      [[], 'exactly one input file is required'],
      [['a.jsonl', 'b.jsonl'], 'exactly one input file is required'],
      [['in.jsonl', '--concurrency', '0'], '--concurrency must be an integer from 1 to 10000'],
      [['in.jsonl', '--concurrency', '10001'], '--concurrency must be an integer from 1 to 10000'],
      [['in.jsonl', '--concurrency', 'many'], '--concurrency must be an integer from 1 to 10000'],
    ] as const) {
      const u = testIO({ cwd: t.io.cwd });
      expect(await runMain(['batch', ...args], u.io), args.join(' ')).toBe(2);
      expect(u.stderr()).toContain(message);
    }
    const missing = testIO({ cwd: t.io.cwd });
    expect(await runMain(['batch', 'nowhere.jsonl'], missing.io)).toBe(2);
    expect(missing.stderr()).toContain('cannot read the input file nowhere.jsonl (ENOENT)');
    expect(missing.stderr()).not.toMatch(/unexpected error|\n\s+at /);
    expect(calls()).toBe(0);
  });
});
