import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getClosedPort } from '../src/testing/index.js';
import { startFlexiServe, startNodeProcess } from './child-process.js';
import { processCpuUs, runLoad, runPaced, type LoadResult } from './load.js';
import { fmt, summarize } from './stats.js';
import type { BenchTable } from './table.js';
import { startUpstreams } from './upstream-process.js';

export interface GatewayBenchOptions {
  /** Connection counts of the saturating runs. */
  connections: number[];
  /** Rounds per target; each round runs every target once, in a rotated order. */
  rounds: number;
  durationSec: number;
  warmupSec: number;
  /** Fixed request rate of the latency runs, and their connections. */
  pacedRate: number;
  pacedConnections: number;
}

const defaults: GatewayBenchOptions = {
  connections: [16, 64],
  rounds: 3,
  durationSec: 5,
  warmupSec: 2,
  pacedRate: 500,
  pacedConnections: 16,
};

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say hello in five words.' },
];
const REPLY = 'Hello from the simulated upstream.';

type TargetName = 'direct' | 'flexiai' | 'flexiai-fallback' | 'portkey' | 'portkey-fallback';

interface Target {
  name: TargetName;
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The gateway process, for its CPU time; none for the direct calls. */
  pid?: number;
  /** What a served answer's headers must show (the right path was taken). */
  check?: (headers: Headers) => string | undefined;
}

interface Totals {
  ok: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  cpuUs: number;
  /** Requests per second of each round. */
  rounds: number[];
}

/**
 * The gateway over HTTP, as deployed: one simulated OpenAI upstream in its own process, the FlexiAI
 * gateway (`flexiai serve` with a config file) in its own process, Portkey's gateway
 * (@portkey-ai/gateway) in its own process, and autocannon in this one. Direct calls to the
 * upstream are the baseline. Paths: a single target, and fallback with a dead primary.
 */
export async function runGatewayBench(
  options: Partial<GatewayBenchOptions> = {},
): Promise<BenchTable[]> {
  const o = { ...defaults, ...options };
  const upstream = await startUpstreams(1);
  const upstreamURL = upstream.baseURLs[0] as string;
  const deadURL = `http://127.0.0.1:${await getClosedPort()}/v1`;
  const dir = await mkdtemp(join(tmpdir(), 'flexiai-bench-'));
  const configPath = join(dir, 'flexiai.config.json');
  await writeFile(configPath, JSON.stringify(flexiAIConfig(upstreamURL, deadURL), null, 2));
  const flexiai = await startFlexiServe(configPath);
  const portkey = await startPortkey();

  const body = (model: string): string => JSON.stringify({ model, messages });
  const json = { 'content-type': 'application/json' };
  const targets: Target[] = [
    {
      name: 'direct',
      label: 'direct to upstream (baseline)',
      url: `${upstreamURL}/chat/completions`,
      headers: { ...json, authorization: 'Bearer sk-bench' },
      body: body('sim-model'),
    },
    {
      name: 'flexiai',
      label: 'FlexiAI gateway',
      url: `${flexiai.url}/v1/chat/completions`,
      headers: json,
      body: body('single'),
      pid: flexiai.pid,
      check: (h) => expectHeader(h, 'x-flexiai-attempt-path', 'up:ok'),
    },
    {
      name: 'flexiai-fallback',
      label: 'FlexiAI gateway, primary circuit open',
      url: `${flexiai.url}/v1/chat/completions`,
      headers: json,
      body: body('fallback'),
      pid: flexiai.pid,
      check: (h) => expectHeader(h, 'x-flexiai-attempt-path', 'down:circuit_open,up:ok'),
    },
  ];
  if ('url' in portkey) {
    const portkeyTarget = (custom_host: string) => ({
      provider: 'openai',
      api_key: 'sk-bench',
      custom_host,
    });
    targets.push(
      {
        name: 'portkey',
        label: `Portkey gateway ${portkey.version}`,
        url: `${portkey.url}/v1/chat/completions`,
        headers: {
          ...json,
          authorization: 'Bearer sk-bench',
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': upstreamURL,
        },
        body: body('sim-model'),
        pid: portkey.pid,
      },
      {
        name: 'portkey-fallback',
        label: `Portkey gateway ${portkey.version}, fallback, primary refused`,
        url: `${portkey.url}/v1/chat/completions`,
        headers: {
          ...json,
          'x-portkey-config': JSON.stringify({
            strategy: { mode: 'fallback' },
            targets: [portkeyTarget(deadURL), portkeyTarget(upstreamURL)],
          }),
        },
        body: body('sim-model'),
        pid: portkey.pid,
        check: (h) => expectHeader(h, 'x-portkey-last-used-option-index', 'config.targets[1]'),
      },
    );
  }

  try {
    // Opens the primary's circuit (its first call is refused), then checks every path once.
    await fetch(targets[2]?.url ?? '', {
      method: 'POST',
      headers: json,
      body: body('fallback'),
    }).then((r) => r.arrayBuffer());
    for (const target of targets) await checkTarget(target);

    const saturated = new Map<number, Map<TargetName, Totals>>();
    for (const connections of o.connections) {
      saturated.set(connections, await measure(targets, o, { connections }));
    }
    const paced = await measure(targets, o, {
      connections: o.pacedConnections,
      overallRate: o.pacedRate,
    });
    return tables(targets, saturated, paced, o, 'url' in portkey ? undefined : portkey.reason);
  } finally {
    await Promise.all([flexiai.close(), 'url' in portkey ? portkey.close() : undefined]);
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function flexiAIConfig(upstreamURL: string, deadURL: string) {
  const provider = { type: 'openai-compatible', apiKey: 'sk-bench', model: 'sim-model' };
  return {
    providers: [
      {
        ...provider,
        name: 'down',
        baseURL: deadURL,
        priority: 1,
        // Open at the first failure, and stay open for the whole run.
        circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 3_600_000 },
      },
      { ...provider, name: 'up', baseURL: upstreamURL, priority: 2 },
    ],
    routes: { single: ['up'], fallback: ['down', 'up'] },
  };
}

type Portkey =
  { url: string; pid: number; version: string; close(): Promise<void> } | { reason: string };

/** Portkey's gateway from its npm package, on a free port (`--headless`: no log UI). */
async function startPortkey(): Promise<Portkey> {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
  } catch {
    return { reason: '@portkey-ai/gateway is not installed (npm ci installs it)' };
  }
  const { version } = createRequire(import.meta.url)(packageJson) as { version: string };
  const port = await getClosedPort();
  const url = `http://127.0.0.1:${port}`;
  const ready = async (): Promise<boolean> => {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return true;
    } catch {
      return false;
    }
  };
  try {
    const child = await startNodeProcess(
      join(dirname(packageJson), 'build', 'start-server.js'),
      [`--port=${port}`, '--headless'],
      ready,
    );
    return { url, pid: child.pid, version, close: child.close };
  } catch (error) {
    return { reason: `Portkey's gateway did not start: ${String(error)}` };
  }
}

function expectHeader(headers: Headers, name: string, expected: string): string | undefined {
  const value = headers.get(name);
  return value === expected ? undefined : `${name} is ${value}, expected ${expected}`;
}

/** One request through the target: it must be served by the upstream, by the intended path. */
async function checkTarget(target: Target): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: target.headers,
    body: target.body,
  });
  const text = await response.text();
  const content = (JSON.parse(text) as { choices?: { message?: { content?: string } }[] })
    .choices?.[0]?.message?.content;
  const wrong =
    response.status !== 200
      ? `status ${response.status}: ${text.slice(0, 200)}`
      : content !== REPLY
        ? `unexpected body ${text.slice(0, 200)}`
        : target.check?.(response.headers);
  if (wrong) throw new Error(`${target.label}: ${wrong}`);
}

async function measure(
  targets: readonly Target[],
  o: GatewayBenchOptions,
  load: { connections: number; overallRate?: number },
): Promise<Map<TargetName, Totals>> {
  const totals = new Map<TargetName, Totals>(
    targets.map((t) => [
      t.name,
      { ok: 0, errors: 0, seconds: 0, latenciesMs: [], cpuUs: 0, rounds: [] },
    ]),
  );
  const run = (target: Target, durationSec: number): Promise<LoadResult> => {
    const request = { url: target.url, headers: target.headers, body: target.body, durationSec };
    return load.overallRate
      ? runPaced({ ...request, connections: load.connections, overallRate: load.overallRate })
      : runLoad({ ...request, connections: load.connections });
  };
  for (const target of targets) await run(target, o.warmupSec);
  for (let round = 0; round < o.rounds; round += 1) {
    // Rotated order, so no target always runs first (or right after the heaviest one).
    const order = targets.map((_, i) => targets[(i + round) % targets.length] as Target);
    for (const target of order) {
      const cpuBefore = target.pid ? await processCpuUs(target.pid) : undefined;
      const result = await run(target, o.durationSec);
      const cpuAfter = target.pid ? await processCpuUs(target.pid) : undefined;
      const t = totals.get(target.name) as Totals;
      t.ok += result.ok;
      t.errors += result.errors;
      t.seconds += result.seconds;
      for (const ms of result.latenciesMs) t.latenciesMs.push(ms);
      if (cpuBefore !== undefined && cpuAfter !== undefined) t.cpuUs += cpuAfter - cpuBefore;
      t.rounds.push(result.ok / result.seconds);
    }
  }
  return totals;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuPerRequest: number | undefined;
  roundsRange: string;
}

function figures(t: Totals, pid: number | undefined): Figures {
  // Latencies in µs for the shared summary and formatting.
  const s = summarize(t.latenciesMs.map((ms) => ms * 1000));
  const lo = Math.min(...t.rounds);
  const hi = Math.max(...t.rounds);
  return {
    rps: t.ok / t.seconds,
    p50: s.p50,
    p99: s.p99,
    errors: t.errors,
    cpuPerRequest: pid && t.ok ? t.cpuUs / t.ok : undefined,
    roundsRange: `${Math.round(lo).toLocaleString('en-US')}–${Math.round(hi).toLocaleString('en-US')}`,
  };
}

const rate = (rps: number): string => Math.round(rps).toLocaleString('en-US');
const signed = (us: number): string => (us < 0 ? `-${fmt(-us)}` : `+${fmt(us)}`);
const cpu = (us: number | undefined): string => (us === undefined ? '—' : fmt(us));

function tables(
  targets: readonly Target[],
  saturated: Map<number, Map<TargetName, Totals>>,
  paced: Map<TargetName, Totals>,
  o: GatewayBenchOptions,
  portkeyMissing: string | undefined,
): BenchTable[] {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const fig = (totals: Map<TargetName, Totals>, name: TargetName): Figures | undefined => {
    const t = totals.get(name);
    return t ? figures(t, byName.get(name)?.pid) : undefined;
  };
  const missing = portkeyMissing ? ` Portkey not measured: ${portkeyMissing}.` : '';
  const setup = `One simulated OpenAI upstream, the FlexiAI gateway and Portkey's gateway each in its own process, the load generator in the benchmark process: while a target is measured, the upstream, that gateway and the load generator share the machine's ${cpus().length} cores (the other gateway idles). Each figure pools ${o.rounds} rounds of ${o.durationSec} s per target, targets rotated between rounds, after a ${o.warmupSec} s warm-up each.`;

  const singleRows: Record<string, string | number>[] = [];
  const fallbackRows: Record<string, string | number>[] = [];
  for (const [connections, totals] of saturated) {
    const direct = fig(totals, 'direct') as Figures;
    const portkey = fig(totals, 'portkey');
    for (const name of ['direct', 'flexiai', 'portkey'] as const) {
      const f = fig(totals, name);
      if (!f) continue;
      singleRows.push({
        target: byName.get(name)?.label ?? name,
        conns: connections,
        'req/s': rate(f.rps),
        'req/s per round': f.roundsRange,
        p50: fmt(f.p50),
        p99: fmt(f.p99),
        errors: f.errors,
        'req/s ÷ direct': (f.rps / direct.rps).toFixed(2),
        'req/s ÷ Portkey': portkey ? (f.rps / portkey.rps).toFixed(2) : '—',
        'gateway CPU/req': cpu(f.cpuPerRequest),
      });
    }
    for (const [single, fallback] of [
      ['flexiai', 'flexiai-fallback'],
      ['portkey', 'portkey-fallback'],
    ] as const) {
      const base = fig(totals, single);
      const f = fig(totals, fallback);
      if (!base || !f) continue;
      for (const [name, x] of [
        [single, base],
        [fallback, f],
      ] as const) {
        fallbackRows.push({
          target: byName.get(name)?.label ?? name,
          conns: connections,
          'req/s': rate(x.rps),
          p50: fmt(x.p50),
          p99: fmt(x.p99),
          errors: x.errors,
          'req/s ÷ single': (x.rps / base.rps).toFixed(2),
          'gateway CPU/req': cpu(x.cpuPerRequest),
          'added CPU/req': x === base ? '' : cpuDelta(x, base),
        });
      }
    }
  }

  const pacedDirect = fig(paced, 'direct') as Figures;
  const pacedRows: Record<string, string | number>[] = [];
  for (const target of targets) {
    const f = fig(paced, target.name) as Figures;
    const single =
      target.name === 'flexiai-fallback'
        ? fig(paced, 'flexiai')
        : target.name === 'portkey-fallback'
          ? fig(paced, 'portkey')
          : undefined;
    pacedRows.push({
      target: target.label,
      'req/s': rate(f.rps),
      p50: fmt(f.p50),
      p99: fmt(f.p99),
      errors: f.errors,
      'added p50 vs direct': signed(f.p50 - pacedDirect.p50),
      'added p99 vs direct': signed(f.p99 - pacedDirect.p99),
      'added p50 vs its single path': single ? signed(f.p50 - single.p50) : '',
      'gateway CPU/req': cpu(f.cpuPerRequest),
    });
  }

  return [
    {
      title:
        'Gateway: throughput and latency at saturation, single target (targets: FlexiAI >= 3x Portkey req/s)',
      note: `${setup}${missing} Load: autocannon, keep-alive, no pipelining, closed loop (each connection sends its next request when the answer arrives), so latency here is mostly queueing behind the busiest process; latencies are autocannon's per-response times kept at µs precision (its own histogram keeps whole ms). Gateway CPU/req = the gateway process's user + system CPU time over the requests it served (from /proc): the cost that does not depend on how the cores are shared.`,
      rows: singleRows,
    },
    {
      title:
        'Gateway: fallback at saturation — FlexiAI with the primary circuit open, Portkey with a fallback config (target: failover <= 50 µs over the secondary alone)',
      note: `Same runs as above. Primary = a loopback port nothing listens on (connections refused). FlexiAI: route [down, up], down's circuit opened by the first call and kept open (recoveryTimeoutMs 1 h), so each request skips it. Portkey (no circuit breaker): x-portkey-config fallback [down, up], so each request first tries the refused primary. "single" = the same gateway calling the secondary alone; added CPU/req = the failover's cost in the gateway process.${missing}`,
      rows: fallbackRows,
    },
    {
      title: `Gateway: latency at a fixed ${o.pacedRate} req/s over ${o.pacedConnections} connections (target: added p99 <= 1 ms vs direct)`,
      note: `Open loop at a rate every target sustains, requests spread evenly, one every ${1000 / o.pacedRate} ms, over an undici pool of ${o.pacedConnections} keep-alive connections in the benchmark process (autocannon's rate limit sends each second's quota in one burst, which would measure queueing again), so latency is the path's own time plus scheduling on shared cores. Latency = send to last body byte. ${setup}${missing}`,
      rows: pacedRows,
    },
  ];
}

function cpuDelta(x: Figures, base: Figures): string {
  if (x.cpuPerRequest === undefined || base.cpuPerRequest === undefined) return '—';
  return signed(x.cpuPerRequest - base.cpuPerRequest);
}
