import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fault } from '../../src/testing/faults.js';
import { getClosedPort } from '../../src/testing/free-port.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { testIO, type TestIO } from '../helpers/cli-io.js';

/** `flexiai chat` in process, against simulated providers (real HTTP). */
describe('flexiai chat (in process)', () => {
  let primary: SimulatedProvider;
  let backup: SimulatedProvider;
  let config: string;
  let t: TestIO;

  beforeAll(async () => {
    primary = await createSimulatedProvider({ name: 'primary', apiKey: CANARY.compatible });
    backup = await createSimulatedProvider({ name: 'backup', apiKey: CANARY.compatible });
  });
  afterAll(async () => {
    await primary.close();
    await backup.close();
  });
  beforeEach(async () => {
    vi.stubEnv('NO_COLOR', '1');
    primary.reset();
    backup.reset();
    t = testIO();
    config = join(t.io.cwd, 'flexiai.config.yaml');
    await writeFile(
      config,
      [
        'providers:',
        ...[primary, backup].flatMap((sim, i) => [
          `  - name: ${['primary', 'backup'][i]}`,
          '    type: openai-compatible',
          `    baseURL: ${sim.baseURL}`,
          `    apiKey: ${CANARY.compatible}`,
          '    model: m',
        ]),
        'retry:',
        '  maxAttempts: 1',
        '',
      ].join('\n'),
    );
  });
  afterEach(() => vi.unstubAllEnvs());

  it('prints the answer on stdout; where the config came from and who served on stderr', async () => {
    expect(await runMain(['chat', 'hello', 'there'], t.io)).toBe(0);
    expect(t.stdout()).toBe('(primary) You said: hello there\n');
    expect(t.stderr()).toContain(`configuration: ${config}`);
    expect(t.stderr()).toMatch(/served by primary \(m\) in \d+ ms \[primary:ok\]/);
    expect(primary.chatCalls).toBe(1);
    expect(backup.chatCalls).toBe(0);
    expectNoCanary(t.stdout() + t.stderr());
  });

  it('--system sends a system message first; --model picks the provider', async () => {
    expect(await runMain(['chat', '--system', 'be brief', '--model', 'backup', 'hi'], t.io)).toBe(
      0,
    );
    expect(primary.chatCalls).toBe(0);
    expect(backup.chatCalls).toBe(1);
    const body = backup.requests[0]?.body as { messages: { role: string; content: string }[] };
    expect(body.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'be brief'],
      ['user', 'hi'],
    ]);
    expect(t.stdout()).toBe('(backup) You said: hi\n');
  });

  it('fails over and shows the path: primary:503 -> backup:ok', async () => {
    primary.enqueue(fault.status(503));
    expect(await runMain(['chat', 'failover'], t.io)).toBe(0);
    expect(t.stdout()).toBe('(backup) You said: failover\n');
    expect(t.stderr()).toContain('[primary:503 -> backup:ok]');
    expect(primary.chatCalls + backup.chatCalls).toBe(2);
  });

  it('--stream prints the tokens as they arrive, then a newline; tool calls are listed', async () => {
    primary.enqueue(fault.ok({ chunks: ['one ', 'two ', 'three'] }));
    expect(await runMain(['chat', '--stream', 'count'], t.io)).toBe(0);
    expect(t.stdout()).toBe('one two three\n');
    expect(primary.requests[0]?.stream).toBe(true);
    expect(t.stderr()).toMatch(/served by primary \(m\)/);

    const tools = testIO({ cwd: t.io.cwd });
    const call = {
      id: 'c1',
      type: 'function' as const,
      function: { name: 'lookup', arguments: '{"q":1}' },
    };
    primary.enqueue(fault.ok({ content: '', toolCalls: [call], finishReason: 'tool_calls' }));
    expect(await runMain(['chat', '--stream', 'use a tool'], tools.io)).toBe(0);
    expect(tools.stdout()).toBe('\ntool call: lookup({"q":1})\n');
    primary.enqueue(fault.ok({ content: null, toolCalls: [call], finishReason: 'tool_calls' }));
    const plain = testIO({ cwd: t.io.cwd });
    expect(await runMain(['chat', 'use a tool'], plain.io)).toBe(0);
    expect(plain.stdout()).toBe('\ntool call: lookup({"q":1})\n');
  });

  it('--json prints the whole unified response (streamed too, as one document)', async () => {
    expect(await runMain(['chat', '--json', 'as json'], t.io)).toBe(0);
    const res = JSON.parse(t.stdout()) as {
      content: string;
      provider: string;
      attempts: unknown[];
    };
    expect(res).toMatchObject({ content: '(primary) You said: as json', provider: 'primary' });
    expect(res.attempts).toHaveLength(1);
    const streamed = testIO({ cwd: t.io.cwd });
    expect(await runMain(['chat', '--json', '--stream', 'streamed json'], streamed.io)).toBe(0);
    expect(JSON.parse(streamed.stdout())).toMatchObject({
      content: '(primary) You said: streamed json',
    });
    expect(primary.requests[1]?.stream).toBe(true);
    expectNoCanary(t.stdout() + streamed.stdout());
  });

  it('every provider failing: exit 1, a clean message, no stack, no key', async () => {
    primary.setDefault(fault.status(500, { message: `upstream broke ${CANARY.compatible}` }));
    backup.setDefault(fault.status(503));
    expect(await runMain(['chat', 'doomed'], t.io)).toBe(1);
    expect(t.stdout()).toBe('');
    expect(t.stderr()).toContain('request failed: All providers failed');
    expect(t.stderr()).not.toMatch(/\n\s+at /);
    expectNoCanary(t.stderr());
    // Streamed too: the partial line is ended before the message.
    const streamed = testIO({ cwd: t.io.cwd });
    expect(await runMain(['chat', '--stream', 'doomed'], streamed.io)).toBe(1);
    expect(streamed.stderr()).toContain('\nrequest failed: ');
    expectNoCanary(streamed.stderr());
  });

  it('an unreachable provider from a config named by --config: exit 1', async () => {
    const dead = join(t.io.cwd, 'dead.yaml');
    await writeFile(
      dead,
      `providers:\n  - name: dead\n    type: openai-compatible\n    baseURL: http://127.0.0.1:${await getClosedPort()}/v1\n    model: m\nretry:\n  maxAttempts: 1\n`,
    );
    const other = testIO();
    expect(await runMain(['chat', '--config', dead, 'hi'], other.io)).toBe(1);
    expect(other.stderr()).toContain(`configuration: ${dead}`);
    expect(other.stderr()).toContain('request failed:');
  });

  it('usage errors exit 2 before any upstream call: no prompt, an unknown model', async () => {
    expect(await runMain(['chat'], t.io)).toBe(2);
    expect(t.stderr()).toContain('usage error: a prompt is required');
    const blank = testIO({ cwd: t.io.cwd });
    expect(await runMain(['chat', '   '], blank.io)).toBe(2);
    const model = testIO({ cwd: t.io.cwd });
    expect(await runMain(['chat', '--model', 'no-such-model', 'hi'], model.io)).toBe(2);
    expect(model.stderr()).toMatch(/error: .*no-such-model/);
    expect(primary.chatCalls + backup.chatCalls).toBe(0);
  });

  it('with no config and no keys: simulated providers, said plainly, and closed afterwards', async () => {
    const empty = testIO();
    expect(await runMain(['chat', 'anyone?'], empty.io)).toBe(0);
    expect(empty.stdout()).toBe('(sim-openai) You said: anyone?\n');
    expect(empty.stderr()).toContain('running on SIMULATED providers');
  });
});
