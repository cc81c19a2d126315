import { createServer, type Server } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/cli/main.js';
import { fault } from '../../src/testing/faults.js';
import { getClosedPort } from '../../src/testing/free-port.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { testIO } from '../helpers/cli-io.js';
import { startGatewayFixture, type GatewayFixture } from '../helpers/gateway-fixture.js';

/** A fake gateway on real HTTP: answers each path with a fixed status and JSON document. */
async function fakeGateway(
  routes: Record<string, [number, unknown]>,
): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    res.writeHead(route?.[0] ?? 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(route?.[1] ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** `flexiai status` in process, against an in-process gateway (createGateway + real HTTP). */
describe('flexiai status (in process)', () => {
  let gw: GatewayFixture;
  const keyEnv = { FLEXIAI_GATEWAY_KEY: CANARY.gateway };

  beforeAll(async () => {
    gw = await startGatewayFixture((c) => ({
      ...c,
      retry: { maxAttempts: 1 },
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600_000 },
    }));
  });
  afterAll(() => gw.close());
  /** One failure opens a's circuit (threshold 1, recovery 10 minutes); b answers. */
  const openCircuitOfA = async () => {
    if (gw.client.getProviderStatus()[0]?.state === 'open') return;
    gw.sims[0]?.enqueue(fault.status(500));
    await gw.client.chatCompletion({ messages: [{ role: 'user', content: 'x' }] });
    expect(gw.client.getProviderStatus()[0]?.state).toBe('open');
  };
  beforeEach(() => vi.stubEnv('NO_COLOR', '1'));
  afterEach(() => vi.unstubAllEnvs());

  it('a keyed gateway without the key: exit 2, says which variable to set, never a key', async () => {
    const t = testIO();
    expect(await runMain(['status', '--url', gw.url], t.io)).toBe(2);
    expect(t.stderr()).toContain(`the gateway at ${gw.url} needs its key: set FLEXIAI_GATEWAY_KEY`);
  });

  it('prints every provider and its circuit; a provider whose circuit opened is shown as such', async () => {
    const t = testIO({ env: keyEnv });
    expect(await runMain(['status', '--url', `${gw.url}/`], t.io)).toBe(0);
    expect(t.stdout()).toContain(`${gw.url}/: ok   sync: memory (`);
    expect(t.stdout()).toMatch(
      /provider\s+type\s+model\s+circuit\s+failures\s+open for\s+cooling for\s+healthy/,
    );
    expect(t.stdout()).toMatch(/\ba\s+openai-compatible\s+model-a\s+closed\s+0\s+-\s+-\s+yes/);
    expect(t.stdout()).toMatch(/\bb\s+openai-compatible\s+model-b\s+closed\s+0\s+-\s+-\s+yes/);
    expectNoCanary(t.stdout() + t.stderr());

    // One failure opens a's circuit (threshold 1): degraded, still exit 0.
    await openCircuitOfA();
    const degraded = testIO({ env: keyEnv });
    expect(await runMain(['status', '--url', gw.url], degraded.io)).toBe(0);
    expect(degraded.stdout()).toContain(': degraded');
    expect(degraded.stdout()).toMatch(
      /\ba\s+openai-compatible\s+model-a\s+open\s+1\s+\d+\.\d s\s+-\s+no/,
    );

    const json = testIO({ env: keyEnv });
    expect(await runMain(['status', '--url', gw.url, '--json'], json.io)).toBe(0);
    const doc = JSON.parse(json.stdout()) as {
      status: string;
      providers: { name: string; state: string }[];
    };
    expect(doc.status).toBe('degraded');
    expect(doc.providers.map((p) => [p.name, p.state])).toEqual([
      ['a', 'open'],
      ['b', 'closed'],
    ]);
  });

  it('the URL and the key from --config (server.host, server.port, server.apiKeys)', async () => {
    const t = testIO();
    const { port } = new URL(gw.url);
    const path = join(t.io.cwd, 'gw.yaml');
    await writeFile(
      path,
      `providers:\n  - name: x\n    type: openai-compatible\n    baseURL: http://127.0.0.1:9/v1\n    model: m\nserver:\n  host: 127.0.0.1\n  port: ${port}\n  apiKeys: ["${CANARY.gateway}"]\n`,
    );
    expect(await runMain(['status', '--config', path], t.io)).toBe(0);
    expect(t.stdout()).toContain(`http://127.0.0.1:${port}: `);
    expect(t.stdout()).toMatch(/\bb\s+openai-compatible\s+model-b/);
    expectNoCanary(t.stdout() + t.stderr());
  });

  it('no gateway answering: exit 1 and how to start one; an IPv6 host is bracketed', async () => {
    const port = await getClosedPort();
    const t = testIO();
    expect(await runMain(['status', '--url', `http://127.0.0.1:${port}`], t.io)).toBe(1);
    expect(t.stderr()).toContain(`no gateway answering at http://127.0.0.1:${port} (`);
    expect(t.stderr()).toContain('start one with: flexiai serve');

    const v6 = testIO();
    await writeFile(
      join(v6.io.cwd, 'flexiai.config.yaml'),
      `providers:\n  - name: x\n    type: openai-compatible\n    baseURL: http://127.0.0.1:9/v1\n    model: m\nserver:\n  host: "::1"\n  port: ${port}\n`,
    );
    expect(await runMain(['status'], v6.io)).toBe(1);
    expect(v6.stderr()).toContain(`no gateway answering at http://[::1]:${port}`);
  });

  it('every provider unavailable: exit 1; Redis sync health, its detail and the workers sharing it are shown', async () => {
    const now = Date.now();
    const fake = await fakeGateway({
      '/health': [
        503,
        {
          status: 'unavailable',
          providers: [
            {
              name: 'p1',
              type: 'openai',
              model: 'm1',
              state: 'open',
              healthy: false,
              failures: 5,
              openUntil: now + 30_000,
              cooldownUntil: null,
              misconfigured: false,
            },
            {
              name: 'p2',
              type: 'anthropic',
              model: 'm2',
              state: 'closed',
              healthy: false,
              failures: 0,
              openUntil: null,
              cooldownUntil: now + 20_000,
              misconfigured: false,
            },
            {
              name: 'p3',
              type: 'gemini',
              model: 'm3',
              state: 'closed',
              healthy: false,
              failures: 0,
              openUntil: null,
              cooldownUntil: null,
              misconfigured: true,
            },
          ],
          sync: { backend: 'redis', health: 'degraded', detail: 'reconnecting', workers: 3 },
        },
      ],
    });
    try {
      const t = testIO();
      expect(await runMain(['status', '--url', fake.url], t.io)).toBe(1);
      expect(t.stdout()).toContain(
        `${fake.url}: unavailable   sync: redis (degraded, reconnecting)   workers sharing state: 3`,
      );
      expect(t.stdout()).toMatch(/p1\s+openai\s+m1\s+open\s+5\s+\d+\.\d s\s+-\s+no\n/);
      expect(t.stdout()).toMatch(/p2\s+anthropic\s+m2\s+closed\s+0\s+-\s+\d+\.\d s\s+no\n/);
      expect(t.stdout()).toMatch(/p3\s+gemini\s+m3\s+closed\s+0\s+-\s+-\s+no \(misconfigured\)/);
    } finally {
      await close(fake);
    }
  });

  it('--watch prints the dashboard figures --count times, then exits 0', async () => {
    await openCircuitOfA();
    await gw.client.chatCompletion({ messages: [{ role: 'user', content: 'watched' }] });
    const t = testIO({ env: keyEnv });
    expect(
      await runMain(
        ['status', '--url', gw.url, '--watch', '--interval', '0.2', '--count', '2'],
        t.io,
      ),
    ).toBe(0);
    expect(t.stdout().match(/requests\/s /g)).toHaveLength(2);
    expect(t.stdout()).toMatch(/\bb\s+model-b\s+closed/);
    expect(t.stdout()).toContain(`${gw.url}: degraded`);
    expect(t.stdout()).toContain('circuit transitions');
    expect(t.stdout()).toMatch(/a: closed -> open \(/);
    expect(t.stdout()).not.toContain('\u001b[2J');
    expectNoCanary(t.stdout() + t.stderr());

    // At a terminal each refresh clears the screen; --json prints one document per line.
    const tty = testIO({ env: keyEnv, stdoutTTY: true });
    expect(await runMain(['status', '--url', gw.url, '--watch', '--count', '1'], tty.io)).toBe(0);
    expect(tty.stdout().startsWith('\u001b[2J\u001b[H')).toBe(true);
    const json = testIO({ env: keyEnv });
    expect(
      await runMain(['status', '--url', gw.url, '--watch', '--json', '--count', '1'], json.io),
    ).toBe(0);
    const figures = JSON.parse(json.stdout()) as { providers: { name: string }[] };
    expect(figures.providers.map((p) => p.name)).toEqual(['a', 'b']);
    expect(json.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('--watch stops at Ctrl-C (SIGINT) and keeps retrying while no gateway answers', async () => {
    const port = await getClosedPort();
    const t = testIO();
    const run = runMain(
      ['status', '--url', `http://127.0.0.1:${port}`, '--watch', '--interval', '0.2'],
      t.io,
    );
    await vi.waitFor(() => expect(t.stdout()).toContain('retrying'), {
      timeout: 60_000,
      interval: 20,
    });
    t.signals.emit('SIGINT');
    expect(await run).toBe(0);
    expect(t.stdout()).toContain(`no gateway answering at http://127.0.0.1:${port} (`);
    expect(t.signals.listenerCount('SIGINT') + t.signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('--watch: a bad --interval or --count, a keyed gateway, or one without dashboard data are usage errors', async () => {
    for (const [args, message] of [
      [['--interval', '0.1'], '--interval must be a number >= 0.2'],
      [['--interval', 'soon'], '--interval must be a number >= 0.2'],
      [['--count', '1.5'], '--count must be an integer'],
    ] as const) {
      const t = testIO();
      expect(await runMain(['status', '--url', gw.url, '--watch', ...args], t.io)).toBe(2);
      expect(t.stderr()).toContain(message);
    }
    const keyless = testIO();
    expect(await runMain(['status', '--url', gw.url, '--watch', '--count', '1'], keyless.io)).toBe(
      2,
    );
    expect(keyless.stderr()).toContain('FLEXIAI_GATEWAY_KEY');
    const old = await fakeGateway({});
    try {
      const t = testIO();
      expect(await runMain(['status', '--url', old.url, '--watch', '--count', '1'], t.io)).toBe(2);
      expect(t.stderr()).toContain(`${old.url} serves no dashboard data`);
    } finally {
      await close(old);
    }
  });
});
