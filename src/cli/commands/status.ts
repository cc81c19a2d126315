import { parseArgs } from 'node:util';
import type { DashboardFigures } from '../../observability/dashboard-figures.js';
import { processIO, type CliIO } from '../cli-io.js';
import { discoverConfig } from '../discover-config.js';
import { formatFigures } from '../format-figures.js';
import { formatTable, style, until } from '../style.js';
import { EXIT, UsageError } from '../usage-error.js';
import { gatewayKeySecret } from '../../gateway/check-gateway-key.js';

export const statusHelp = `Usage: flexiai status [--url URL] [--config FILE] [--json] [--watch [--interval S]]

Shows every provider of a running gateway: circuit state, failures, open-until, cooldown, health,
and how circuit state is shared (memory, or Redis and its health). With --watch, the dashboard's
figures, refreshed: request rate, error and failover rates, p50/p99 latency and TTFT, tokens,
cost, cache hit rate, every provider's circuit and calls, and recent circuit transitions.

The gateway key (when the gateway has keys) is read from FLEXIAI_GATEWAY_KEY, else from the
configuration's server.apiKeys; it is sent as a header, never printed.

  --url URL       the gateway to ask (default: http://<server.host>:<server.port> of the configuration)
  --config FILE   configuration file (default: discovered; see flexiai serve --help)
  --json          print the raw /health document (with --watch: the dashboard's figures)
  --watch         refresh until Ctrl-C
  --interval S    seconds between refreshes with --watch (default 2)
  --count N       with --watch, stop after N refreshes
  -h, --help      this text

Exit codes: 0 all providers healthy or degraded, 1 no provider available or gateway unreachable,
2 usage or configuration error.`;

interface HealthDocument {
  status: string;
  providers: {
    name: string;
    type: string;
    model: string;
    state: string;
    healthy: boolean;
    failures: number;
    openUntil: number | null;
    cooldownUntil: number | null;
    misconfigured: boolean;
  }[];
  sync: { backend: string; health: string; detail?: string; workers?: number; workerId?: string };
}

export async function runStatus(argv: string[], io: CliIO = processIO()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      watch: { type: 'boolean' },
      interval: { type: 'string' },
      count: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(`${statusHelp}\n`);
    return EXIT.ok;
  }
  let url = values.url;
  let key = io.env.FLEXIAI_GATEWAY_KEY || undefined;
  if (!url || (!key && values.config)) {
    const discovered = await discoverConfig({
      configPath: values.config,
      simulate: false,
      cwd: io.cwd,
      env: io.env,
    });
    const { host, port, apiKeys } = discovered.config.server;
    url ??= `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const first = apiKeys[0];
    key ??= first === undefined ? undefined : gatewayKeySecret(first);
  }
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const unreachable = (error: unknown): number => {
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `${style.red('no gateway answering at')} ${base} (${reason}); start one with: flexiai serve\n`,
    );
    return EXIT.requestFailed;
  };
  const get = async (path: string): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(5_000) });
    if (res.status === 401) {
      throw new UsageError(
        `the gateway at ${base} needs its key: set FLEXIAI_GATEWAY_KEY (or server.apiKeys in --config)`,
      );
    }
    return res;
  };
  if (values.watch) return watch(base, get, values, io);
  let health: HealthDocument;
  try {
    health = (await (await get('/health')).json()) as HealthDocument;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return unreachable(error);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(health, null, 2)}\n`);
  } else {
    const now = Date.now();
    const paint = (state: string, healthy: boolean) =>
      healthy ? style.green(state) : state === 'open' ? style.red(state) : style.yellow(state);
    io.stdout.write(
      `${style.bold(`${url}: ${health.status}`)}   sync: ${health.sync.backend} (${health.sync.health}${health.sync.detail ? `, ${health.sync.detail}` : ''})` +
        `${health.sync.workers === undefined ? '' : `   workers sharing state: ${health.sync.workers}`}\n\n`,
    );
    io.stdout.write(
      `${formatTable(
        health.providers.map((p) => ({
          provider: p.name,
          type: p.type,
          model: p.model,
          circuit: paint(p.state, p.healthy),
          failures: String(p.failures),
          'open for': until(p.openUntil, now),
          'cooling for': until(p.cooldownUntil, now),
          healthy: p.healthy ? 'yes' : p.misconfigured ? 'no (misconfigured)' : 'no',
        })),
      )}\n`,
    );
  }
  return health.status === 'unavailable' ? EXIT.requestFailed : EXIT.ok;
}

/** `--watch`: the dashboard's figures, redrawn every interval until Ctrl-C (or --count). */
async function watch(
  base: string,
  get: (path: string) => Promise<Response>,
  values: { interval?: string | undefined; count?: string | undefined; json?: boolean | undefined },
  io: CliIO,
): Promise<number> {
  const interval = Number(values.interval ?? 2);
  if (!Number.isFinite(interval) || interval < 0.2)
    throw new UsageError('--interval must be a number >= 0.2');
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!Number.isInteger(count) && count !== Infinity)
    throw new UsageError('--count must be an integer');
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  io.signals.once('SIGINT', onSignal);
  io.signals.once('SIGTERM', onSignal);
  try {
    for (let n = 0; n < count && !stop; n += 1) {
      let text: string;
      try {
        const res = await get('/dashboard/data');
        if (res.status === 404)
          throw new UsageError(`${base} serves no dashboard data (an older gateway?)`);
        const figures = (await res.json()) as DashboardFigures;
        text = values.json ? `${JSON.stringify(figures)}\n` : formatFigures(base, figures);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        text = `${style.red('no gateway answering at')} ${base} (${reason}); retrying\n`;
      }
      const clear = io.stdout.isTTY && !values.json ? '\u001b[2J\u001b[H' : '';
      io.stdout.write(`${clear}${text}${clear || values.json ? '' : '\n'}`);
      if (n + 1 < count && !stop)
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    }
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
  }
  return EXIT.ok;
}
