import { createServer, type Server } from 'node:net';
import { renameSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { testIO, type TestIO } from '../helpers/cli-io.js';

/** Waits for serve's banner on stderr and returns the URL it listens on. */
async function listening(t: TestIO): Promise<string> {
  let url = '';
  await vi.waitFor(
    () => {
      const match = /listening on (http:\/\/\S+)/.exec(t.stderr());
      expect(match?.[1]).toBeTruthy();
      url = match?.[1] ?? '';
    },
    { timeout: 60_000, interval: 10 },
  );
  return url;
}

const chat = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'via serve' }] }),
  });

/** `flexiai serve` in process (one gateway, port 0, stopped by a signal): startup, banner, guard. */
describe('flexiai serve (in process)', () => {
  let sim: SimulatedProvider;
  let holder: Server;
  let busyPort: number;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ name: 'up', apiKey: CANARY.compatible });
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => holder.close(resolve));
  });
  beforeEach(() => vi.stubEnv('NO_COLOR', '1'));
  afterEach(() => vi.unstubAllEnvs());

  const config = async (t: TestIO, extra = '', name = 'serve.yaml') => {
    const path = join(t.io.cwd, name);
    await writeFile(
      path,
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    apiKey: ${CANARY.compatible}\n    model: m\nlogging:\n  level: silent\n${extra}`,
    );
    return path;
  };

  it('serves, prints a banner a newcomer can act on, and drains and exits 0 on SIGTERM', async () => {
    const t = testIO();
    const path = await config(t);
    const run = runMain(['serve', '--config', path, '--port', '0', '--host', '127.0.0.1'], t.io);
    const url = await listening(t);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const banner = t.stderr();
    expect(banner).toContain(`FlexiAI gateway listening on ${url}\n`);
    expect(banner).toContain(`configuration: ${path}`);
    expect(banner).toContain('providers: up (openai-compatible)');
    expect(banner).toContain(
      `curl -s ${url}/v1/chat/completions -H 'content-type: application/json'`,
    );
    expect(banner).toContain(`new OpenAI({ baseURL: '${url}/v1', apiKey: 'unused' })`);
    expect(banner).toContain(`Dashboard: ${url}/dashboard   Metrics: ${url}/metrics`);
    expect(banner).not.toContain('workers');
    const res = await chat(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-provider')).toBe('up');
    expect(sim.chatCalls).toBe(1);
    t.signals.emit('SIGTERM');
    expect(await run).toBe(0);
    await expect(chat(url)).rejects.toThrow();
    expectNoCanary(t.stdout() + t.stderr());
  });

  it('with gateway keys, the banner shows how to send one and never the key; SIGINT stops it too', async () => {
    const t = testIO();
    const path = await config(t, `server:\n  port: 0\n  apiKeys: ["${CANARY.gateway}"]\n`);
    const run = runMain(['serve', '--config', path], t.io);
    const url = await listening(t);
    expect(t.stderr()).toContain('-H "Authorization: Bearer $FLEXIAI_GATEWAY_KEY"');
    expect(t.stderr()).toContain('apiKey: process.env.FLEXIAI_GATEWAY_KEY');
    expect(t.stderr()).toContain(`Dashboard: ${url}/dashboard#key=<gateway key>`);
    expect((await chat(url)).status).toBe(401);
    expect((await chat(url, { authorization: `Bearer ${CANARY.gateway}` })).status).toBe(200);
    t.signals.emit('SIGINT');
    expect(await run).toBe(0);
    expectNoCanary(t.stdout() + t.stderr());
  });

  it('--watch: a change made the moment the banner is printed is reloaded (the file is watched before serve says it listens)', async () => {
    const withKey = (key: string) => `server:\n  apiKeys: ["${key}"]\n`;
    let replacement = '';
    let path = '';
    // Renamed over the file inside the banner's write, synchronously: nothing of serve runs in
    // between, so the change is seen only if the watch already exists (a loaded machine can
    // leave as long a gap between the banner and serve's next statement).
    let renamed = false;
    const t = testIO({
      onStderr: (text) => {
        if (renamed || !text.includes('listening on')) return;
        renamed = true;
        renameSync(replacement, path);
      },
    });
    path = await config(t, withKey('gw-before.watch-test-0001'));
    replacement = await config(t, withKey('gw-after.watch-test-0002'), 'serve.yaml.new');
    const run = runMain(['serve', '--config', path, '--port', '0', '--watch'], t.io);
    const url = await listening(t);
    const as = (key: string) => chat(url, { authorization: `Bearer ${key}` });
    await vi.waitFor(async () => expect((await as('gw-after.watch-test-0002')).status).toBe(200), {
      timeout: 20_000,
      interval: 100,
    });
    expect((await as('gw-before.watch-test-0001')).status).toBe(401);
    t.signals.emit('SIGTERM');
    expect(await run).toBe(0);
  });

  it('no providers configured: refuses without a terminal or under NODE_ENV=production (exit 2), serves simulators at a terminal', async () => {
    const headless = testIO({ interactive: false });
    expect(await runMain(['serve', '--port', '0'], headless.io)).toBe(2);
    expect(headless.stderr()).toMatch(/^configuration error: no providers configured/);
    expect(headless.stderr()).toContain('not started from a terminal');
    expect(headless.stderr()).not.toContain('listening on');

    const production = testIO({ interactive: true, env: { NODE_ENV: 'production' } });
    expect(await runMain(['serve', '--port', '0'], production.io)).toBe(2);
    expect(production.stderr()).toContain('NODE_ENV is "production"');

    const terminal = testIO({ interactive: true, env: { FLEXIAI_LOGGING_LEVEL: 'silent' } });
    const run = runMain(['serve', '--port', '0'], terminal.io);
    const url = await listening(terminal);
    expect(terminal.stderr()).toContain('running on SIMULATED providers');
    expect(terminal.stderr()).toContain(
      'providers: sim-openai (openai-compatible), sim-claude (anthropic), sim-gemini (gemini)',
    );
    const res = await chat(url);
    expect(res.headers.get('x-flexiai-provider')).toBe('sim-openai');
    terminal.signals.emit('SIGTERM');
    expect(await run).toBe(0);
  });

  it('--simulated serves simulators on purpose, even under NODE_ENV=production with keys in the environment', async () => {
    const t = testIO({
      env: { NODE_ENV: 'production', OPENAI_API_KEY: 'sk-ignored.not-a-real-key' },
    });
    const run = runMain(['serve', '--simulated', '--port', '0'], t.io);
    const url = await listening(t);
    expect((await chat(url)).headers.get('x-flexiai-provider')).toBe('sim-openai');
    t.signals.emit('SIGTERM');
    expect(await run).toBe(0);
  });

  it('a port in use: exit 2 naming host, port and cause, no stack; nothing keeps running', async () => {
    const t = testIO();
    const path = await config(t);
    expect(await runMain(['serve', '--config', path, '--port', String(busyPort)], t.io)).toBe(2);
    expect(t.stderr()).toBe(
      `configuration error: cannot listen on 127.0.0.1:${busyPort}: the address is already in use (another process listens there) (EADDRINUSE); choose another with --host/--port or server.host/server.port\n`,
    );
    const sim2 = testIO({ env: { FLEXIAI_LOGGING_LEVEL: 'silent' } });
    expect(await runMain(['serve', '--simulated', '--port', String(busyPort)], sim2.io)).toBe(2);
    expect(sim2.stderr()).toContain('EADDRINUSE');
  });

  it('bad options are usage errors (exit 2) before anything starts', async () => {
    for (const [args, message] of [
      [['--port=-1'], '--port must be an integer >= 0'],
      [['--port', '80.5'], '--port must be an integer >= 0'],
      [['--port', 'http'], '--port must be an integer >= 0'],
      [['--workers', '0'], '--workers must be an integer >= 1'],
      [['--simulated', '--config', 'x.yaml'], '--simulated and --config exclude each other'],
    ] as const) {
      const t = testIO();
      expect(await runMain(['serve', ...args], t.io), args.join(' ')).toBe(2);
      expect(t.stderr()).toBe(`usage error: ${message}\n(see flexiai --help)\n`);
    }
  });
});
