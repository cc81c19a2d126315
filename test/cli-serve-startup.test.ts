import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { runCli, startServe } from './helpers/run-cli.js';

/**
 * `flexiai serve` startup as a user meets it, in real processes: --version, the guard against
 * serving simulated providers unasked (tests run without a terminal, like a container), and
 * `--workers` when a worker cannot start. The tests share nothing they change (each has its own
 * directory; the simulator and the held port are only read), so they run concurrently: most of
 * their time is child processes starting.
 */
describe.concurrent('flexiai serve startup (real processes)', () => {
  let empty: string;
  let sim: SimulatedProvider;
  let holder: Server;
  let busyPort: number;

  beforeAll(async () => {
    empty = await mkdtemp(join(tmpdir(), 'flexiai-startup-'));
    sim = await createSimulatedProvider({ name: 'up' });
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    busyPort = (holder.address() as { port: number }).port;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => holder.close(resolve));
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const runs = await Promise.all(['--version', '-v'].map((flag) => runCli([flag])));
    for (const res of runs) {
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(`${version}\n`);
    }
  });

  it('no providers and no terminal: refuses to serve simulated providers, exit 2, says how to fix it', async () => {
    const res = await runCli(['serve', '--port', '0'], { cwd: empty, timeoutMs: 30_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no providers configured');
    expect(res.stderr).toContain('not started from a terminal');
    expect(res.stderr).toContain('--simulated');
    expect(res.stderr).not.toContain('listening on');
  });

  it('NODE_ENV=production refuses too, naming the reason', async () => {
    const res = await runCli(['serve', '--port', '0'], {
      cwd: empty,
      env: { NODE_ENV: 'production' },
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('NODE_ENV is "production"');
  });

  it('--simulated serves simulated providers on purpose, even under NODE_ENV=production', async () => {
    const serve = await startServe(['--simulated', '--port', '0'], {
      cwd: empty,
      env: { NODE_ENV: 'production', OPENAI_API_KEY: 'sk-ignored.not-a-real-key' },
    });
    try {
      expect(serve.stderr()).toContain('SIMULATED providers');
      const res = await fetch(`${serve.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'sim?' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-flexiai-provider')).toBe('sim-openai');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  it('--simulated with --config is a usage error', async () => {
    const res = await runCli(['serve', '--simulated', '--config', 'x.yaml']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--simulated and --config exclude each other');
  });

  it('a port in use: a plain error naming host, port and cause, exit 2', async () => {
    const config = join(empty, 'one.yaml');
    await writeFile(
      config,
      `providers:\n  - { name: up, type: openai-compatible, baseURL: "${sim.baseURL}", model: m }\n`,
    );
    const res = await runCli(['serve', '--config', config, '--port', String(busyPort)]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`cannot listen on 127.0.0.1:${busyPort}`);
    expect(res.stderr).toContain('EADDRINUSE');
    expect(res.stderr).not.toContain('    at '); // no stack trace
  });

  it('--workers: a worker that cannot start is retried with a growing delay, then serve exits 2 with its error', async () => {
    const config = join(empty, 'workers.yaml');
    await writeFile(
      config,
      `providers:\n  - { name: up, type: openai-compatible, baseURL: "${sim.baseURL}", model: m }\n`,
    );
    const res = await runCli(
      ['serve', '--config', config, '--workers', '2', '--port', String(busyPort)],
      { timeoutMs: 170_000 },
    );
    expect(res.code).toBe(2);
    // The worker's own error, once, as the last line.
    const lines = res.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `configuration error: cannot listen on 127.0.0.1:${busyPort}: the address is already in use (another process listens there) (EADDRINUSE); choose another with --host/--port or server.host/server.port`,
    );
    // Backoff, not a tight loop: a slot's retries waited 200, then 400 ms; the third failure in a
    // row gave up (the primary's log lines, on stdout).
    const retries = [...res.stdout.matchAll(/"retryInMs":(\d+)/g)].map((m) => Number(m[1]));
    expect(retries).toContain(200);
    expect(retries).toContain(400);
    expect(retries.every((ms) => ms === 200 || ms === 400)).toBe(true);
    expect(res.stdout).toContain('giving up');
    expect(res.stderr).not.toContain('listening on');
  }, 180_000);
});
