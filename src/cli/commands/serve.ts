import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { FlexiAI } from '../../client/flexiai.js';
import { createLogger } from '../../internal/logger.js';
import { startGateway } from '../../gateway/start-gateway.js';
import { processIO, type CliIO } from '../cli-io.js';
import { clusterMetricsPrimary, clusterMetricsWorker } from '../cluster-metrics.js';
import { describeSource, discoverConfig, type DiscoveredConfig } from '../discover-config.js';
import { reportError } from '../report-error.js';
import { SIM_URLS_ENV } from '../simulated-fleet.js';
import { currentSurroundings, simulatedRefusal } from '../simulated-guard.js';
import { style } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';
import { watchConfigFile } from '../watch-config-file.js';
import { superviseWorkers, type WorkerMessage } from '../worker-supervisor.js';
import type { Logger } from '../../internal/logger.js';

export const serveHelp = `Usage: flexiai serve [--config FILE] [--host H] [--port N] [--workers N] [--watch] [--simulated]

Starts the OpenAI-compatible gateway: POST /v1/chat/completions (plain and stream: true),
GET /v1/models, GET /metrics (Prometheus), GET /dashboard (live), GET /health, /livez, /readyz.

  --config FILE   configuration file (default: flexiai.config.{yaml,yml,json} here, else provider
                  keys from the environment, else simulated providers)
  --host H        interface to bind (default: server.host, 127.0.0.1)
  --port N        port (default: server.port, 4000; 0 picks a free one)
  --workers N     run N worker processes (node:cluster); set sync.backend: redis to share
                  circuit state between them. A worker that dies is restarted after a growing
                  delay; one that cannot start 3 times in a row stops serve with its error
  --watch         reload the config file when it changes (debounced; editors that replace the
                  file are fine). With --workers the primary watches and tells every worker
  --simulated     serve local simulated providers, on purpose (no config or keys needed). With
                  no providers configured, serve falls back to them only at a terminal, and
                  refuses under NODE_ENV=production or without a terminal
  -h, --help      this text

SIGTERM or SIGINT drains in-flight requests (up to server.shutdownTimeoutMs), then exits 0.
SIGHUP reloads the config file (with --workers: the primary forwards it to every worker):
providers, routes, keys, budgets, cache and pricing change without dropping a request; an
invalid file is refused, named in the log and in /health, and the old config keeps serving.
server.host/port, body limit and timeouts change only at the next start (docs/operations.md).`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      workers: { type: 'string' },
      simulated: { type: 'boolean' },
      watch: { type: 'boolean' },
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
  if (values.simulated && values.config)
    throw new UsageError('--simulated and --config exclude each other');
  return {
    simulated: values.simulated ?? false,
    watch: values.watch ?? false,
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

export async function runServe(argv: string[], io: CliIO = processIO()): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    io.stdout.write(`${serveHelp}\n`);
    return EXIT.ok;
  }
  if (args.workers > 1 && cluster.isPrimary) return runPrimary(args, io);
  if (cluster.isWorker) return runClusterWorker(args, io);
  return runWorker(args, io);
}

/** Configuration discovery for serve, with the guard against serving simulated providers unasked. */
const discoverServeConfig = (
  args: ReturnType<typeof parse>,
  io: CliIO,
): Promise<DiscoveredConfig> =>
  discoverConfig({
    configPath: args.config,
    cwd: io.cwd,
    env: io.env,
    forceSimulated: args.simulated,
    refuseSimulated: args.simulated ? undefined : simulatedRefusal(currentSurroundings(io)),
  });

/**
 * A cluster worker: a startup failure (bad configuration, port in use) goes to the primary as a
 * message, which decides whether to retry or give up, and the IPC channel is let go so the
 * worker exits instead of lingering.
 */
async function runClusterWorker(args: ReturnType<typeof parse>, io: CliIO): Promise<number> {
  try {
    return await runWorker(args, io);
  } catch (error) {
    const { text, exitCode } = reportError(error);
    const message: WorkerMessage = {
      type: 'flexiai:startup-failed',
      message: text.trim(),
      exitCode,
    };
    await new Promise<void>((resolve) => {
      if (!process.send || !process.connected) return resolve();
      process.send(message, undefined, {}, () => resolve());
    });
    if (process.connected) process.disconnect();
    return exitCode;
  }
}

/** One gateway in this process (also each cluster worker). */
async function runWorker(args: ReturnType<typeof parse>, io: CliIO): Promise<number> {
  // SIGHUP's default action ends the process: hold one that arrives while starting, act on it after.
  let hangupWhileStarting = false;
  const early = (): void => {
    hangupWhileStarting = true;
  };
  io.signals.on('SIGHUP', early);
  try {
    return await serveWorker(args, io, () => hangupWhileStarting);
  } finally {
    io.signals.off('SIGHUP', early);
  }
}

async function serveWorker(
  args: ReturnType<typeof parse>,
  io: CliIO,
  hangupWhileStarting: () => boolean,
): Promise<number> {
  const discovered = await discoverServeConfig(args, io);
  const logger = createLogger({ level: discovered.config.logging.level });
  const client = await FlexiAI.create(discovered.config, { logger, env: false });
  // With --workers, /metrics merges every worker's metrics through the primary.
  const metrics = cluster.isWorker ? clusterMetricsWorker(() => client.getMetrics()) : undefined;
  const configPath = discovered.source.kind === 'file' ? discovered.source.path : undefined;
  const reload = (why: string): void => {
    if (!configPath) return nothingToReload(logger, discovered, why);
    logger.info(`${why}: reloading ${configPath}`);
    // The outcome (what changed, or the refused field paths) is logged by the client.
    client.updateConfigFromFile(configPath, { env: io.env }).catch(() => undefined);
  };
  const onHangup = (): void => reload('SIGHUP');
  io.signals.on('SIGHUP', onHangup);
  if (hangupWhileStarting()) reload('SIGHUP while starting');
  // Watching starts before the gateway says it listens, so a change made once it has said so is
  // never missed (on a busy machine the announcement and the next statement can be far apart).
  // With --workers the primary watches the file and forwards a SIGHUP to every worker.
  const watcher =
    args.watch && !cluster.isWorker ? watchFile(configPath, logger, reload) : undefined;
  const stopReloading = (): void => {
    io.signals.off('SIGHUP', onHangup);
    watcher?.close();
  };
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      client,
      logger,
      host: args.host,
      port: args.port,
      ...(metrics ? { metrics } : {}),
    });
  } catch (error) {
    // Nothing may keep a process that cannot serve alive (Redis connections, simulators).
    stopReloading();
    await client.close();
    await discovered.fleet?.close();
    throw error;
  }
  if (cluster.isPrimary) io.stderr.write(banner(gateway.url, discovered, 1));
  else process.send?.({ type: 'flexiai:listening', url: gateway.url } satisfies WorkerMessage);

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    io.signals.once('SIGTERM', stop);
    io.signals.once('SIGINT', stop);
    io.signals.once('disconnect', stop);
  });
  stopReloading();
  logger.info('shutting down: draining in-flight requests');
  await gateway.close();
  await client.close();
  await discovered.fleet?.close();
  // A cluster worker's IPC channel would keep it alive: let go of it so the process can exit.
  if (cluster.isWorker && process.connected) process.disconnect();
  return EXIT.ok;
}

/** The cluster primary: starts shared simulated providers if needed, forks and supervises workers. */
async function runPrimary(args: ReturnType<typeof parse>, io: CliIO): Promise<number> {
  // Until the workers are forked a SIGHUP has nothing to forward (they read the file at start).
  const early = (): void => undefined;
  io.signals.on('SIGHUP', early);
  try {
    return await superviseCluster(args, io);
  } finally {
    io.signals.off('SIGHUP', early);
  }
}

async function superviseCluster(args: ReturnType<typeof parse>, io: CliIO): Promise<number> {
  const discovered = await discoverServeConfig(args, io);
  const logger = createLogger({ level: discovered.config.logging.level });
  if (discovered.config.sync.backend === 'memory') {
    logger.warn(
      `sync.backend is "memory": each of the ${args.workers} workers keeps its own circuit state (use sync.backend: redis to share it)`,
    );
  }
  const env: NodeJS.ProcessEnv = { ...io.env };
  if (discovered.fleet) {
    const [openai, anthropic, gemini] = discovered.fleet.sims;
    env[SIM_URLS_ENV] = JSON.stringify({
      openai: openai?.baseURL,
      anthropic: anthropic?.baseURL,
      gemini: gemini?.baseURL,
    });
  }
  const metrics = clusterMetricsPrimary(() =>
    Object.values(cluster.workers ?? {}).filter((w) => w !== undefined),
  );
  const supervisor = superviseWorkers({
    workers: args.workers,
    fork: () => {
      const worker = cluster.fork(env);
      // With --workers, /metrics merges every worker's metrics through the primary.
      worker.on('message', (message: { type?: string }) => metrics(worker, message));
      return worker;
    },
    logger,
    onListening: (url) => io.stderr.write(banner(url, discovered, args.workers)),
  });
  const configPath = discovered.source.kind === 'file' ? discovered.source.path : undefined;
  const reloadWorkers = (why: string): void => {
    if (!configPath) return nothingToReload(logger, discovered, why);
    const workers = liveWorkers();
    logger.info(`${why}: telling ${workers.length} workers to reload ${configPath}`);
    for (const worker of workers) worker.process.kill('SIGHUP');
  };
  const onHangup = (): void => reloadWorkers('SIGHUP');
  io.signals.on('SIGHUP', onHangup);
  const watcher = args.watch ? watchFile(configPath, logger, reloadWorkers) : undefined;
  const signalled = new Promise<void>((resolve) => {
    io.signals.once('SIGTERM', resolve);
    io.signals.once('SIGINT', resolve);
  });
  const outcome = await Promise.race([signalled.then(() => undefined), supervisor.failed]);
  io.signals.off('SIGHUP', onHangup);
  watcher?.close();
  supervisor.stop();
  if (outcome) {
    // A worker cannot start: stop the others, then exit with its error.
    await stopWorkers();
    await discovered.fleet?.close();
    io.stderr.write(`${outcome.message}\n`);
    return outcome.exitCode || EXIT.requestFailed;
  }
  await stopWorkers();
  await discovered.fleet?.close();
  return EXIT.ok;
}

/** The cluster's workers that have not exited. */
const liveWorkers = () =>
  Object.values(cluster.workers ?? {}).filter(
    (w): w is NonNullable<typeof w> => w !== undefined && !w.isDead(),
  );

/** SIGHUP without a config file: say so (the environment or simulated providers are read at start only). */
function nothingToReload(logger: Logger, discovered: DiscoveredConfig, why: string): void {
  const from =
    discovered.source.kind === 'environment'
      ? 'provider keys from the environment'
      : 'simulated providers';
  logger.warn(`${why}: nothing to reload (serving ${from}, no config file); restart to change it`);
}

/** `--watch`: reloads on every change of the config file; a warning when there is no file. */
function watchFile(
  path: string | undefined,
  logger: Logger,
  reload: (why: string) => void,
): { close(): void } | undefined {
  if (!path) {
    logger.warn(
      '--watch: no config file to watch (configuration from the environment or simulated)',
    );
    return undefined;
  }
  return watchConfigFile(path, () => reload('config file changed'), {
    onError: (error) => logger.warn({ err: error.message }, `--watch: watching ${path} failed`),
  });
}

/** SIGTERM to every live worker (each drains its requests), resolved when all have exited. */
async function stopWorkers(): Promise<void> {
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
}
