import { parseArgs } from 'node:util';
import { discoverConfig } from '../discover-config.js';
import { formatTable, style, until } from '../style.js';
import { EXIT } from '../usage-error.js';

export const statusHelp = `Usage: flexiai status [--url URL] [--config FILE] [--json]

Shows every provider of a running gateway: circuit state, failures, open-until, cooldown, health,
and how circuit state is shared (memory, or Redis and its health).

  --url URL       the gateway to ask (default: http://<server.host>:<server.port> of the configuration)
  --config FILE   configuration file (default: discovered; see flexiai serve --help)
  --json          print the raw /health document
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

export async function runStatus(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${statusHelp}\n`);
    return EXIT.ok;
  }
  let url = values.url;
  if (!url) {
    const discovered = await discoverConfig({ configPath: values.config, simulate: false });
    const { host, port } = discovered.config.server;
    url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  let health: HealthDocument;
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/health`, {
      signal: AbortSignal.timeout(5_000),
    });
    health = (await res.json()) as HealthDocument;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `${style.red('no gateway answering at')} ${url} (${reason}); start one with: flexiai serve\n`,
    );
    return EXIT.requestFailed;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(health, null, 2)}\n`);
  } else {
    const now = Date.now();
    const paint = (state: string, healthy: boolean) =>
      healthy ? style.green(state) : state === 'open' ? style.red(state) : style.yellow(state);
    process.stdout.write(
      `${style.bold(`${url}: ${health.status}`)}   sync: ${health.sync.backend} (${health.sync.health}${health.sync.detail ? `, ${health.sync.detail}` : ''})` +
        `${health.sync.workers === undefined ? '' : `   workers sharing state: ${health.sync.workers}`}\n\n`,
    );
    process.stdout.write(
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
