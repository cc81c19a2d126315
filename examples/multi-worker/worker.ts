import { Fastify } from './fastify.ts';
import { ConfigurationError, FlexiAI } from 'flexiai';

/**
 * One worker: a FlexiAI client (Redis-shared circuits) behind Fastify. `FlexiAI.create` reads the
 * shared circuit states before the worker accepts its first request, so a restarted worker honours
 * circuits that are already open.
 */
export async function startWorker(): Promise<void> {
  const ai = await FlexiAI.create({
    providers: [
      {
        name: 'primary',
        type: 'openai-compatible',
        baseURL: env('UPSTREAM_A_URL'),
        model: 'sim-large',
      },
      {
        name: 'secondary',
        type: 'openai-compatible',
        baseURL: env('UPSTREAM_B_URL'),
        model: 'sim-small',
      },
    ],
    circuitBreaker: {
      failureThreshold: Number(process.env.FAILURE_THRESHOLD ?? 3),
      recoveryTimeoutMs: Number(process.env.RECOVERY_TIMEOUT_MS ?? 30_000),
    },
    retry: { maxAttempts: 1 },
    sync: {
      backend: 'redis',
      url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: process.env.FLEXIAI_SYNC_KEY_PREFIX ?? 'flexiai-example:',
    },
    logging: { level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn' },
  });

  const app = Fastify({ logger: false });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-worker-pid', String(process.pid));
  });
  app.get('/health', async (_req, reply) => {
    const providers = ai.getProviderStatus();
    const sync = ai.getSyncStatus();
    const ok = providers.some((p) => p.healthy);
    return reply.code(ok ? 200 : 503).send({ ok, pid: process.pid, sync, providers });
  });
  app.post<{ Body: { prompt?: string } }>('/chat', async (req) => {
    const res = await ai.chatCompletion({
      messages: [{ role: 'user', content: req.body?.prompt ?? 'Hello' }],
    });
    return { provider: res.provider, content: res.content, attempts: res.attempts.length };
  });
  app.post<{ Params: { action: string } }>('/demo/:action', async (req, reply) => {
    const control = process.env.DEMO_CONTROL_URL;
    if (!control) return reply.code(404).send({ error: 'no simulated upstreams' });
    const action = req.params.action === 'fail-primary' ? 'fail' : 'heal';
    return (await fetch(`${control}/${action}`)).json();
  });
  app.setErrorHandler((error: Error, _req, reply) => {
    void reply.code(502).send({ error: error.message });
  });

  const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 4000) });
  process.send?.({ listening: address });

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    // Drain in-flight requests, then release Redis and the upstream connections.
    void app
      .close()
      .then(() => ai.close())
      .then(() => process.exit(0));
  });
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`${name} is not set`);
  return value;
}
