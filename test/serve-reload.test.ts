import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { startServe, type ServeProcess } from './helpers/run-cli.js';

const KEY1 = 'gw-key-one.reload-test-0001';
const KEY2 = 'gw-key-two.reload-test-0002';
const PROVIDER_KEY = 'sk-reload-test.provider-canary-9999';

/**
 * An OpenAI-compatible upstream that holds every answer until `release()`: a request is in flight
 * for exactly as long as the test wants, whatever the machine's speed.
 */
async function heldUpstream() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      void released.then(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'held-1',
            object: 'chat.completion',
            created: 0,
            model: 'held-model',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'held answer' },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
          }),
        );
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received: () => received,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface HealthBody {
  config: {
    loadedAt: number;
    reloads: number;
    failedReloads: number;
    lastReload: { at: number; ok: boolean; error?: string; paths?: string[] } | null;
  };
}

const health = async (url: string, key: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
};

const chat = (url: string, key: string, model: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

/** Waits (polling /health) until the configuration status satisfies `check`. */
async function configStatus(
  url: string,
  key: string,
  check: (c: HealthBody['config']) => boolean,
): Promise<HealthBody['config']> {
  let last: HealthBody['config'] | undefined;
  await vi.waitFor(
    async () => {
      const res = await health(url, key);
      expect(res.status).toBe(200);
      last = (JSON.parse(res.text) as HealthBody).config;
      expect(check(last)).toBe(true);
    },
    { timeout: 20_000, interval: 100 },
  );
  return last!;
}

describe('flexiai serve hot reload (real processes)', () => {
  let dir: string;
  let sim: SimulatedProvider;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexiai-reload-'));
    sim = await createSimulatedProvider({ name: 'main', apiKey: PROVIDER_KEY });
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const yaml = (options: {
    key: string;
    held?: string;
    routes?: string;
    mainTimeout?: number;
  }): string =>
    [
      'providers:',
      '  - name: main',
      '    type: openai-compatible',
      `    baseURL: ${sim.baseURL}`,
      '    apiKey: ${RELOAD_TEST_PROVIDER_KEY}',
      '    model: main-model',
      `    timeoutMs: ${options.mainTimeout ?? 30000}`,
      ...(options.held
        ? [
            '  - name: held',
            '    type: openai-compatible',
            `    baseURL: ${options.held}`,
            '    apiKey: ${RELOAD_TEST_PROVIDER_KEY}',
            '    model: held-model',
          ]
        : []),
      ...(options.routes ? ['routes:', options.routes] : []),
      'server:',
      '  apiKeys:',
      `    - ${options.key}`,
      '',
    ].join('\n');

  it('SIGHUP: a valid file takes effect (keys, providers, routes) while a request to a removed provider completes; an invalid one is refused, named in the log and /health, the old config serving', async () => {
    const upstream = await heldUpstream();
    const file = join(dir, 'flexiai.config.yaml');
    await writeFile(file, yaml({ key: KEY1, held: upstream.baseURL }));
    let serve: ServeProcess | undefined;
    try {
      serve = await startServe(['--config', file, '--port', '0'], {
        env: { RELOAD_TEST_PROVIDER_KEY: PROVIDER_KEY },
      });
      const url = serve.url;
      const start = await configStatus(url, KEY1, (c) => c.reloads === 0);
      expect(start).toMatchObject({ failedReloads: 0, lastReload: null });

      const inFlight = chat(url, KEY1, 'held');
      await vi.waitFor(() => expect(upstream.received()).toBe(1), { timeout: 20_000 });

      // Valid: a new key replaces the old one, the held provider leaves, a route arrives.
      await writeFile(file, yaml({ key: KEY2, routes: '  fast: [main]' }));
      serve.child.kill('SIGHUP');
      const reloaded = await configStatus(url, KEY2, (c) => c.reloads === 1);
      expect(reloaded.lastReload).toMatchObject({ ok: true });
      expect((await chat(url, KEY1, 'fast')).status).toBe(401);
      const fast = await chat(url, KEY2, 'fast');
      expect(fast.status).toBe(200);
      expect(fast.headers.get('x-flexiai-provider')).toBe('main');

      // The request to the removed provider, in flight across the reload, completes.
      upstream.release();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-flexiai-provider')).toBe('held');
      expect(await answer.json()).toMatchObject({
        choices: [{ message: { content: 'held answer' } }],
      });

      // Invalid: refused, the field named; the previous config keeps serving.
      await writeFile(file, yaml({ key: KEY1, routes: '  fast: [main]', mainTimeout: -1 }));
      serve.child.kill('SIGHUP');
      const refused = await configStatus(url, KEY2, (c) => c.failedReloads === 1);
      expect(refused).toMatchObject({ reloads: 1, lastReload: { ok: false } });
      expect(refused.lastReload?.paths).toEqual(['providers.0.timeoutMs']);
      expect((await chat(url, KEY2, 'fast')).status).toBe(200);
      expect((await chat(url, KEY1, 'fast')).status).toBe(401);
      await vi.waitFor(() => expect(serve?.stdout()).toContain('config reload refused'));
      const line = serve
        .stdout()
        .split('\n')
        .find((l) => l.includes('config reload refused'));
      expect(line).toContain('providers.0.timeoutMs');

      // Never a secret in /health or the log.
      const body = (await health(url, KEY2)).text;
      for (const secret of [KEY1, KEY2, PROVIDER_KEY]) {
        expect(body).not.toContain(secret);
        expect(serve.stdout() + serve.stderr()).not.toContain(secret);
      }
      expect(await serve.stop()).toBe(0);
      serve = undefined;
    } finally {
      upstream.release();
      await serve?.stop('SIGKILL');
      await upstream.close();
    }
  }, 60_000);

  it('--watch reloads when the file is replaced (write to a temporary file, rename over)', async () => {
    const file = join(dir, 'watched.yaml');
    await writeFile(file, yaml({ key: KEY1 }));
    const serve = await startServe(['--config', file, '--port', '0', '--watch'], {
      env: { RELOAD_TEST_PROVIDER_KEY: PROVIDER_KEY },
    });
    try {
      const temporary = join(dir, 'watched.yaml.tmp');
      await writeFile(temporary, yaml({ key: KEY2 }));
      const { rename } = await import('node:fs/promises');
      await rename(temporary, file);
      await configStatus(serve.url, KEY2, (c) => c.reloads >= 1);
      expect((await chat(serve.url, KEY2, 'default')).status).toBe(200);
      expect((await chat(serve.url, KEY1, 'default')).status).toBe(401);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 60_000);

  it('--workers 2: SIGHUP to the primary reloads every worker', async () => {
    const file = join(dir, 'workers.yaml');
    await writeFile(file, yaml({ key: KEY1 }));
    const serve = await startServe(['--config', file, '--port', '0', '--workers', '2'], {
      env: { RELOAD_TEST_PROVIDER_KEY: PROVIDER_KEY },
    });
    try {
      // Both workers listening (each logs it) before the signal.
      await vi.waitFor(
        () =>
          expect(
            serve
              .stdout()
              .split('\n')
              .filter((l) => l.includes('Server listening')),
          ).toHaveLength(2),
        { timeout: 20_000 },
      );
      await writeFile(file, yaml({ key: KEY2 }));
      serve.child.kill('SIGHUP');
      await vi.waitFor(
        () =>
          expect(
            serve
              .stdout()
              .split('\n')
              .filter((l) => l.includes('config reloaded')),
          ).toHaveLength(2),
        { timeout: 20_000 },
      );
      for (let i = 0; i < 4; i += 1) {
        expect((await chat(serve.url, KEY2, 'default')).status).toBe(200);
        expect((await chat(serve.url, KEY1, 'default')).status).toBe(401);
      }
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 60_000);

  it('--simulated: SIGHUP says there is nothing to reload and keeps serving', async () => {
    const serve = await startServe(['--simulated', '--port', '0'], { cwd: dir });
    try {
      serve.child.kill('SIGHUP');
      await vi.waitFor(() => expect(serve.stdout()).toContain('nothing to reload'), {
        timeout: 20_000,
      });
      const res = await fetch(`${serve.url}/livez`);
      expect(res.status).toBe(200);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 60_000);
});
