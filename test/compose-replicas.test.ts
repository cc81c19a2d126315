import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfigFile } from '../src/config/load-config.js';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { describeRedis, REDIS_URL } from './helpers/describe-redis.js';
import { deleteKeys, uniquePrefix } from './helpers/redis-prefix.js';
import { startServe, type ServeProcess } from './helpers/run-cli.js';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');
const CONFIG = new URL('../docker/flexiai.config.yaml', import.meta.url).pathname;

interface ComposeService {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('Dockerfile and compose.yaml', () => {
  it('the image: node 22 slim, the packed package, a non-root user, a healthcheck on /health', async () => {
    const dockerfile = await read('Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages.at(-1)).toBe('node:22-slim');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(dockerfile).toContain('npm pack --ignore-scripts');
    expect(dockerfile).toContain('ENV NODE_ENV=production');
    expect(dockerfile).toMatch(/ENTRYPOINT \["\/srv\/flexiai\/node_modules\/\.bin\/flexiai"\]/);
    // Everything the build copies exists in the repository.
    for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm))
      for (const path of (source as string).split(' '))
        await expect(
          read(path.replace(/\/$/, '')).catch((e: NodeJS.ErrnoException) => e.code),
        ).resolves.not.toBe('ENOENT');
  });

  it('compose: Redis and two gateway replicas of one image, sharing circuit state through it', async () => {
    const compose = parse(await read('compose.yaml'), { merge: true }) as {
      services: Record<string, ComposeService>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['gateway-a', 'gateway-b', 'redis']);
    const redis = compose.services.redis as ComposeService;
    expect(redis.image).toMatch(/^redis:7/);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    const [a, b] = [compose.services['gateway-a'], compose.services['gateway-b']] as [
      ComposeService,
      ComposeService,
    ];
    for (const gateway of [a, b]) {
      expect(gateway.build).toBe('.');
      expect(gateway.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(gateway.environment?.FLEXIAI_GATEWAY_KEY).toMatch(/^\$\{FLEXIAI_GATEWAY_KEY:\?/);
      expect(gateway.depends_on?.redis?.condition).toBe('service_healthy');
    }
    expect(a.environment).toEqual(b.environment);
    expect(new Set([...(a.ports ?? []), ...(b.ports ?? [])]).size).toBe(2);
  });

  it('the baked configuration is valid, shares state through Redis, and requires a gateway key', async () => {
    const config = await loadConfigFile(CONFIG, {
      env: {
        OPENAI_API_KEY: 'sk-test.not-a-real-key',
        ANTHROPIC_API_KEY: 'sk-ant-test.not-a-real-key',
        FLEXIAI_GATEWAY_KEY: 'gw-test.not-a-real-key',
      },
    });
    expect(config.sync).toMatchObject({ backend: 'redis', url: 'redis://redis:6379' });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.apiKeys).toHaveLength(1);
    await expect(
      loadConfigFile(CONFIG, {
        env: { OPENAI_API_KEY: 'sk-x.not-a-real-key', ANTHROPIC_API_KEY: 'sk-ant-x.not-real' },
      }),
    ).rejects.toThrow(/FLEXIAI_GATEWAY_KEY is not set/);
  });
});

/** compose.yaml's two replicas as local processes: the same config file and environment. */
describeRedis('compose.yaml two-replica setup, as local processes', () => {
  let openai: SimulatedProvider;
  let anthropic: SimulatedProvider;
  const replicas: ServeProcess[] = [];
  const prefix = uniquePrefix('compose');
  const KEY = 'gw-compose-test.not-a-real-key';

  beforeAll(async () => {
    openai = await createSimulatedProvider({ wire: 'openai', name: 'openai' });
    anthropic = await createSimulatedProvider({ wire: 'anthropic', name: 'anthropic' });
    const env = {
      // compose.yaml's environment, pointed at local stand-ins.
      FLEXIAI_GATEWAY_KEY: KEY,
      OPENAI_API_KEY: 'sk-compose.not-a-real-key',
      ANTHROPIC_API_KEY: 'sk-ant-compose.not-a-real-key',
      REDIS_URL,
      // The Dockerfile's.
      NODE_ENV: 'production',
      // Local stand-ins for the providers, and a key prefix of this test's own.
      OPENAI_BASE_URL: openai.baseURL,
      ANTHROPIC_BASE_URL: anthropic.baseURL,
      FLEXIAI_KEY_PREFIX: prefix,
    };
    const args = ['--config', CONFIG, '--host', '127.0.0.1', '--port', '0'];
    replicas.push(...(await Promise.all([startServe(args, { env }), startServe(args, { env })])));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all([openai.close(), anthropic.close()]);
    await deleteKeys(REDIS_URL, prefix);
  });

  const ask = (replica: ServeProcess) =>
    fetch(`${replica.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
  const stateOf = async (replica: ServeProcess, name: string) => {
    const health = (await (await fetch(`${replica.url}/health`)).json()) as {
      providers: { name: string; state: string }[];
    };
    return health.providers.find((p) => p.name === name)?.state;
  };

  it('a circuit opened through replica A is honoured by replica B, which never calls the provider', async () => {
    const [a, b] = replicas as [ServeProcess, ServeProcess];
    // Authentication holds: no key, no answer (and /health stays open for the healthcheck).
    const anonymous = await fetch(`${a.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${b.url}/health`)).status).toBe(200);

    const first = await ask(b);
    expect(first.headers.get('x-flexiai-provider')).toBe('openai');

    openai.setDefault(fault.status(500));
    for (let i = 0; i < 5; i += 1) {
      const res = await ask(a);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-flexiai-provider')).toBe('anthropic');
    }
    expect(await stateOf(a, 'openai')).toBe('open');
    const deadline = Date.now() + 10_000;
    while ((await stateOf(b, 'openai')) !== 'open') {
      if (Date.now() > deadline) throw new Error('replica B never saw the open circuit');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const calls = openai.chatCalls;
    for (let i = 0; i < 5; i += 1)
      expect((await ask(b)).headers.get('x-flexiai-provider')).toBe('anthropic');
    expect(openai.chatCalls).toBe(calls);
  });
});
