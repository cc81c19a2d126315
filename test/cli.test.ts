import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { getClosedPort } from '../src/testing/free-port.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { runCli, startServe } from './helpers/run-cli.js';

describe('flexiai CLI (real processes)', () => {
  let dir: string;
  let sim: SimulatedProvider;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexiai-cli-'));
    sim = await createSimulatedProvider({ name: 'upstream' });
  });
  afterAll(() => sim.close());

  const writeConfig = async (name: string, body: string) => {
    const path = join(dir, name);
    await writeFile(path, body);
    return path;
  };

  it('prints help for every command and refuses unknown ones with exit 2', async () => {
    // Seven independent processes: started together, not one after another.
    const [top, unknown, badFlag, ...commands] = await Promise.all([
      runCli(['--help']),
      runCli(['frobnicate']),
      runCli(['chat', '--nope', 'x']),
      ...['serve', 'chat', 'status', 'demo'].map((command) => runCli([command, '--help'])),
    ]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Commands:');
    ['serve', 'chat', 'status', 'demo'].forEach((command, i) => {
      expect(commands[i]?.code).toBe(0);
      expect(commands[i]?.stdout).toContain(`flexiai ${command}`);
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    expect(badFlag.code).toBe(2);
  });

  it('chat answers on the simulated default and says so plainly', async () => {
    const [res, streamed] = await Promise.all([
      runCli(['chat', 'hello there'], { cwd: dir }),
      runCli(['chat', '--stream', 'stream me'], { cwd: dir }),
    ]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('(sim-openai) You said: hello there\n');
    expect(res.stderr).toContain('running on SIMULATED providers');
    expect(streamed.code).toBe(0);
    expect(streamed.stdout).toBe('(sim-openai) You said: stream me\n');
  });

  it('chat uses flexiai.config.yaml from the working directory and exits 1 when the request fails', async () => {
    const port = await getClosedPort();
    const work = await mkdtemp(join(tmpdir(), 'flexiai-cli-'));
    await writeFile(
      join(work, 'flexiai.config.yaml'),
      `providers:\n  - name: dead\n    type: openai-compatible\n    baseURL: http://127.0.0.1:${port}/v1\n    model: m\nretry:\n  maxAttempts: 1\n`,
    );
    const res = await runCli(['chat', 'hi'], { cwd: work });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('flexiai.config.yaml');
    expect(res.stderr).toContain('All providers failed');
  });

  it('exit 2 for an unknown model or an invalid configuration', async () => {
    const bad = await writeConfig('bad.yaml', 'providers: []\n');
    const [unknownModel, res] = await Promise.all([
      runCli(['chat', '--model', 'nope', 'hi'], { cwd: dir }),
      runCli(['chat', '--config', bad, 'hi']),
    ]);
    expect(unknownModel.code).toBe(2);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('providers: must list at least one provider');
  });

  it('serve + status: the table of providers and circuits; status exits 1 with no gateway', async () => {
    const config = await writeConfig(
      'serve.yaml',
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    model: m\nserver:\n  port: 0\n`,
    );
    // `status` against no gateway runs while the gateway starts: independent processes.
    const closed = await getClosedPort();
    const noGateway = runCli(['status', '--url', `http://127.0.0.1:${closed}`]);
    const serve = await startServe(['--config', config]);
    try {
      const res = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'via serve' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-flexiai-provider')).toBe('up');
      const status = await runCli(['status', '--url', serve.url]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/up\s+openai-compatible\s+m\s+closed/);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect((await noGateway).code).toBe(1);
  });

  it('status sends the gateway key, and --watch prints the dashboard figures', async () => {
    const key = 'fk-gw-status-test.0123456789';
    const config = await writeConfig(
      'serve-keyed.yaml',
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    model: m\nserver:\n  port: 0\n  apiKeys: ["${key}"]\n`,
    );
    const serve = await startServe(['--config', config]);
    try {
      const res = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'via serve' }] }),
      });
      expect(res.status).toBe(200);
      // Three independent status processes at once (status reads the gateway, it never sends a
      // request the dashboard counts).
      const env = { FLEXIAI_GATEWAY_KEY: key };
      const [keyless, status, watch] = await Promise.all([
        runCli(['status', '--url', serve.url]),
        runCli(['status', '--url', serve.url], { env }),
        runCli(['status', '--url', serve.url, '--watch', '--interval', '0.2', '--count', '2'], {
          env,
        }),
      ]);
      expect(keyless.code).toBe(2);
      expect(keyless.stderr).toContain('FLEXIAI_GATEWAY_KEY');
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/up\s+openai-compatible\s+m\s+closed/);
      expect(watch.code).toBe(0);
      expect(watch.stdout.match(/requests\/s/g)).toHaveLength(2);
      expect(watch.stdout).toMatch(/requests 1 \(0 failed\)/);
      expect(watch.stdout).toMatch(/up\s+m\s+closed/);
      expect(watch.stdout + watch.stderr + serve.stderr() + serve.stdout()).not.toContain(key);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 90_000);

  it('W3: SIGTERM under load drains in-flight requests and exits 0', async () => {
    sim.setDefault(fault.slow(700, fault.ok()));
    const config = await writeConfig(
      'drain.yaml',
      `providers:\n  - name: up\n    type: openai-compatible\n    baseURL: ${sim.baseURL}\n    model: m\nserver:\n  port: 0\n  shutdownTimeoutMs: 5000\n`,
    );
    const serve = await startServe(['--config', config]);
    const callsBefore = sim.chatCalls;
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'slow' }] });
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      }).then((r) => r.status),
    );
    // Every request reached the upstream (in flight for 700 ms), however slowly a loaded machine
    // got them there: then SIGTERM.
    while (sim.chatCalls - callsBefore < 20)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const code = serve.stop('SIGTERM');
    expect(await Promise.all(inFlight)).toEqual(Array(20).fill(200));
    expect(await code).toBe(0);
    sim.reset();
  });

  it('serve --workers 2 serves from several processes and shuts down cleanly', async () => {
    const serve = await startServe(['--workers', '2', '--port', '0', '--simulated'], { cwd: dir });
    try {
      expect(serve.stderr()).toContain('(2 workers)');
      const res = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'cluster' }] }),
      });
      expect(res.status).toBe(200);
      expect(
        ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
          .content,
      ).toContain('cluster');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
