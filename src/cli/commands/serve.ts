import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { FlexiAI } from '../../client/flexiai.js';
import { createLogger } from '../../internal/logger.js';
import { startGateway } from '../../gateway/start-gateway.js';
import { clusterMetricsPrimary, clusterMetricsWorker } from '../cluster-metrics.js';
import { describeSource, discoverConfig, type DiscoveredConfig } from '../discover-config.js';
import { SIM_URLS_ENV } from '../simulated-fleet.js';
import { style } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';

export const serveHelp = `Usage: flexiai serve [--config FILE] [--host H] [--port N] [--workers N]

Starts the OpenAI-compatible gateway: POST /v1/chat/completions (plain and stream: true),
GET /v1/models, GET /metrics (Prometheus), GET /dashboard (live), GET /health, /livez, /readyz.

  --config FILE   configuration file (default: flexiai.config.{yaml,yml,json} here, else provider
                  keys from the environment, else simulated providers)
  --host H        interface to bind (default: server.host, 127.0.0.1)
  --port N        port (default: server.port, 4000; 0 picks a free one)
  --workers N     run N worker processes (node:cluster); set sync.backend: redis to share
                  circuit state between them
  -h, --help      this text

SIGTERM or SIGINT drains in-flight requests (up to server.shutdownTimeoutMs), then exits 0.`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const number = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    help: values.help ?? false,
    config: values.config,
    host: values.host,
    port: number('port', values.port, 0),
    workers: number('workers', values.workers, 1) ?? 1,
  };
}

/** The banner a newcomer sees: where it listens, where the config came from, and what to try. */
function banner(url: string, discovered: DiscoveredConfig, workers: number): string {
  const keyed = discovered.config.server.apiKeys.length > 0;
  const auth = keyed ? ' -H "Authorization: Bearer $FLEXIAI_GATEWAY_KEY"' : '';
  const lines = [
    style.bold(`FlexiAI gateway listening on ${url}`) +
      (workers > 1 ? ` (${workers} workers)` : ''),
    describeSource(discovered.source),
    `providers: ${discovered.config.providers.map((p) => `${p.name} (${p.type})`).join(', ')}`,
    '',
    'Try it:',
    `  curl -s ${url}/v1/chat/completions${auth} -H 'content-type: application/json' \\`,
    `    -d '{"messages":[{"role":"user","content":"Hello!"}]}'`,
    '',
    '  // with the official openai SDK',
    `  const client = new OpenAI({ baseURL: '${url}/v1', apiKey: ${keyed ? 'process.env.FLEXIAI_GATEWAY_KEY' : "'unused'"} });`,
    `  const res = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Hello!' }] });`,
    '',
    `Dashboard: ${url}/dashboard${keyed ? '#key=<gateway key>' : ''}   Metrics: ${url}/metrics`,
    `Health: ${url}/health   Models: ${url}/v1/models   Stop: Ctrl-C`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function runServe(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(`${serveHelp}\n`);
    return EXIT.ok;
  }
  if (args.workers > 1 && cluster.isPrimary) return runPrimary(args);
  return runWorker(args);
}

/** One gateway in this process (also each cluster worker). */
async function runWorker(args: ReturnType<typeof parse>): Promise<number> {
  const discovered = await discoverConfig({ configPath: args.config });
  const logger = createLogger({ level: discovered.config.logging.level });
  const client = await FlexiAI.create(discovered.config, { logger, env: false });
  // With --workers, /metrics merges every worker's metrics through the primary.
  const metrics = cluster.isWorker ? clusterMetricsWorker(() => client.getMetrics()) : undefined;
  const gateway = await startGateway({
    client,
    logger,
    host: args.host,
    port: args.port,
    ...(metrics ? { metrics } : {}),
  });
  if (cluster.isPrimary) process.stderr.write(banner(gateway.url, discovered, 1));
  else process.send?.({ type: 'flexiai:listening', url: gateway.url });

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.once('disconnect', stop);
  });
  logger.info('shutting down: draining in-flight requests');
  await gateway.close();
  await client.close();
  await discovered.fleet?.close();
  // A cluster worker's IPC channel would keep it alive: let go of it so the process can exit.
  if (cluster.isWorker && process.connected) process.disconnect();
  return EXIT.ok;
}

/** The cluster primary: starts shared simulated providers if needed, forks and supervises workers. */
async function runPrimary(args: ReturnType<typeof parse>): Promise<number> {
  const discovered = await discoverConfig({ configPath: args.config });
  const logger = createLogger({ level: discovered.config.logging.level });
  if (discovered.config.sync.backend === 'memory') {
    logger.warn(
      `sync.backend is "memory": each of the ${args.workers} workers keeps its own circuit state (use sync.backend: redis to share it)`,
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (discovered.fleet) {
    const [openai, anthropic, gemini] = discovered.fleet.sims;
    env[SIM_URLS_ENV] = JSON.stringify({
      openai: openai?.baseURL,
      anthropic: anthropic?.baseURL,
      gemini: gemini?.baseURL,
    });
  }
  let stopping = false;
  let announced = false;
  const metrics = clusterMetricsPrimary(() =>
    Object.values(cluster.workers ?? {}).filter((w) => w !== undefined),
  );
  const fork = () => {
    const worker = cluster.fork(env);
    worker.on('message', (message: { type?: string; url?: string }) => {
      metrics(worker, message);
      if (message.type === 'flexiai:listening' && !announced && message.url) {
        announced = true;
        process.stderr.write(banner(message.url, discovered, args.workers));
      }
    });
    return worker;
  };
  for (let i = 0; i < args.workers; i += 1) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ pid: worker.process.pid, code, signal }, 'worker exited; starting a new one');
    fork();
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  stopping = true;
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    ),
  );
  await discovered.fleet?.close();
  return EXIT.ok;
}
