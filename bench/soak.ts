/**
 * The soak: `npm run soak [-- --duration SECONDS --rate REQ_PER_S]` (default 600 s at 300 req/s).
 *
 * A real `flexiai serve` process in front of 3 healthy simulated providers (own process) that fail
 * 5% of calls, under mixed open-loop traffic (70% plain, 30% streamed) on loopback only, with a
 * CPU hog started halfway. Every answer is checked: a success, or a well-formed error (an OpenAI
 * error body with a 4xx/5xx status, or a stream ending in an SSE error event) — never a cut, a
 * hang or garbage. It passes when there are no malformed answers, no circuit opening on these
 * healthy providers, and the gateway's memory and descriptors stay flat; it prints a Markdown
 * table (for docs/benchmarks.md) and exits 1 otherwise. Bounded: at most 4,000 requests in flight
 * (beyond it an arrival is counted as dropped by the generator), a 30 s deadline per answer.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startBenchChild, startFlexiServe } from './child-process.js';
import { summarize } from './stats.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    rate: { type: 'string', default: '300' },
    'fault-rate': { type: 'string', default: '0.05' },
  },
});
const durationS = Number(values.duration);
const rate = Number(values.rate);
const faultRate = Number(values['fault-rate']);
if (!(durationS >= 10) || !(rate > 0) || !(faultRate >= 0 && faultRate < 1)) {
  process.stderr.write(
    'usage: npm run soak -- [--duration S>=10] [--rate N] [--fault-rate 0..1]\n',
  );
  process.exit(2);
}

const MAX_IN_FLIGHT = 4_000;
const ANSWER_DEADLINE_MS = 30_000;

type Verdict = 'ok' | 'error' | 'malformed' | 'hung' | 'refused';
interface PhaseStats {
  sent: number;
  ok: number;
  errors: Map<string, number>;
  malformed: number;
  hung: number;
  /** No connection to the gateway (connect timeout or refusal): it did not accept the request. */
  refused: number;
  dropped: number;
  latenciesMs: number[];
}
const newPhase = (): PhaseStats => ({
  sent: 0,
  ok: 0,
  errors: new Map(),
  malformed: 0,
  hung: 0,
  refused: 0,
  dropped: 0,
  latenciesMs: [],
});
const phases = { calm: newPhase(), hog: newPhase() };
/** The first few failures of each kind, to tell what went wrong. */
const failureSamples = new Map<string, string[]>();

const isOpenAIError = (value: unknown): boolean => {
  const error = (value as { error?: Record<string, unknown> } | null)?.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof error.message === 'string' &&
    typeof error.type === 'string' &&
    'code' in error
  );
};

function judgePlain(status: number, text: string): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (status === 200) {
    const content = (body as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]
      ?.message?.content;
    return typeof content === 'string' ? 'ok' : 'malformed';
  }
  return status >= 400 && isOpenAIError(body) ? 'error' : 'malformed';
}

function judgeStream(status: number, text: string): Verdict {
  if (status !== 200) return judgePlain(status, text);
  const events = text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
  const last = events[events.length - 1];
  if (last === '[DONE]') return 'ok';
  try {
    return last !== undefined && isOpenAIError(JSON.parse(last)) ? 'error' : 'malformed';
  } catch {
    return 'malformed';
  }
}

async function procStats(pid: number): Promise<{ rssMb: number; fds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fds = (await readdir(`/proc/${pid}/fd`)).length;
  return { rssMb: rssKb / 1024, fds };
}

const upstream = await startBenchChild<string[]>('./soak-upstream.ts', ['3', String(faultRate)]);
const dir = await mkdtemp(join(tmpdir(), 'flexiai-soak-'));
const configPath = join(dir, 'soak.json');
await writeFile(
  configPath,
  JSON.stringify({
    providers: upstream.ready.map((baseURL, i) => ({
      name: `p${i}`,
      type: 'openai-compatible',
      baseURL,
      model: `m${i}`,
      timeoutMs: 10_000,
      firstByteTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      maxConnections: 64,
    })),
    circuitBreaker: { failureThreshold: 5, recoveryTimeoutMs: 5_000 },
    retry: { maxAttempts: 2, budgetMs: 5_000 },
    limits: { maxInFlight: 1_000 },
    logging: { level: 'error' },
  }),
);
const gateway = await startFlexiServe(configPath);
// Enough connections that an overload shows at the gateway (its admission control) rather than in
// a queue inside the generator; opened before the clock starts.
const CONNECTIONS = 256;
const pool = new Pool(gateway.url, { connections: CONNECTIONS, pipelining: 1 });
await Promise.all(
  Array.from({ length: CONNECTIONS }, () =>
    pool.request({ path: '/health', method: 'GET' }).then((r) => r.body.dump()),
  ),
);
const healthPool = new Pool(gateway.url, { connections: 1 });
const baseline = await procStats(gateway.pid);

// Circuit openings: each opening has its own openUntil; poll /health often enough to see each
// (an open circuit stays open at least recoveryTimeoutMs = 5 s).
const openings = new Map<string, Set<number>>();
async function pollHealth(): Promise<void> {
  try {
    const res = await healthPool.request({ path: '/health', method: 'GET' });
    const body = (await res.body.json()) as {
      providers: { name: string; openUntil: number | null }[];
    };
    for (const p of body.providers) {
      if (p.openUntil === null) continue;
      const seen = openings.get(p.name) ?? new Set<number>();
      seen.add(p.openUntil);
      openings.set(p.name, seen);
    }
  } catch {
    // A missed poll is not a finding; the next one looks again.
  }
}

let inFlight = 0;
async function one(phase: PhaseStats, stream: boolean, i: number): Promise<void> {
  phase.sent += 1;
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ANSWER_DEADLINE_MS);
  let verdict: Verdict;
  let text = '';
  let status = 0;
  try {
    const res = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream, messages: [{ role: 'user', content: `soak ${i}` }] }),
      signal: controller.signal,
    });
    status = res.statusCode;
    text = await res.body.text();
    verdict = stream ? judgeStream(status, text) : judgePlain(status, text);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    verdict = controller.signal.aborted
      ? 'hung'
      : /CONNECT_TIMEOUT|ECONNREFUSED/.test(code)
        ? 'refused'
        : 'malformed';
    text = String(error);
  } finally {
    clearTimeout(timer);
  }
  if (verdict === 'ok') {
    phase.ok += 1;
    if (!stream) phase.latenciesMs.push(performance.now() - started);
  } else if (verdict === 'error') {
    const key = String(status);
    phase.errors.set(key, (phase.errors.get(key) ?? 0) + 1);
  } else {
    phase[verdict] += 1;
    const list = failureSamples.get(verdict) ?? [];
    if (list.length < 3) list.push(`${status}: ${text.slice(-200)}`);
    failureSamples.set(verdict, list);
  }
}

const samples: { t: number; rssMb: number; fds: number; inFlight: number }[] = [];
const started = Date.now();
const endAt = started + durationS * 1000;
const hogAt = started + (durationS * 1000) / 2;
let hog: ReturnType<typeof spawn> | undefined;
const pending = new Set<Promise<void>>();
let sequence = 0;
let nextSample = started;
let nextPoll = started;
const TICK_MS = 10;

process.stderr.write(
  `soak: ${durationS} s at ${rate} req/s, ${faultRate * 100}% upstream faults, CPU hog at ${durationS / 2} s; gateway pid ${gateway.pid}\n`,
);
for (let tick = 0; Date.now() < endAt; tick += 1) {
  const now = Date.now();
  if (!hog && now >= hogAt) {
    hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    process.stderr.write('soak: CPU hog started\n');
  }
  const phase = hog ? phases.hog : phases.calm;
  // Open loop: the arrivals due by now, whatever the answers do.
  const due = Math.floor(((now - started) / 1000) * rate) - sequence;
  for (let k = 0; k < due; k += 1) {
    sequence += 1;
    if (inFlight >= MAX_IN_FLIGHT) {
      phase.dropped += 1;
      continue;
    }
    inFlight += 1;
    const p = one(phase, sequence % 10 < 3, sequence).finally(() => {
      inFlight -= 1;
      pending.delete(p);
    });
    pending.add(p);
  }
  if (now >= nextPoll) {
    nextPoll = now + 500;
    void pollHealth();
  }
  if (now >= nextSample) {
    nextSample = now + 5_000;
    const stats = await procStats(gateway.pid).catch(() => ({ rssMb: 0, fds: 0 }));
    samples.push({ t: (now - started) / 1000, ...stats, inFlight });
  }
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
await Promise.all(pending);
hog?.kill('SIGKILL');
await pollHealth();
// Traffic over: the generator's connections close, and idle upstream connections expire (4 s
// keep-alive). Memory and descriptors are then compared with the start.
await pool.close();
await new Promise((resolve) => setTimeout(resolve, 6_000));
const final = await procStats(gateway.pid);
samples.push({ t: (Date.now() - started) / 1000, ...final, inFlight: 0 });
await healthPool.close();
await gateway.close();
await upstream.close();

// Memory after warm-up (the first quarter of the run) vs after the run; descriptors before vs after.
const warm = samples.find((s) => s.t >= durationS * 0.25) ?? samples[0]!;
const peakRss = Math.max(...samples.map((s) => s.rssMb));
const peakInFlight = Math.max(...samples.map((s) => s.inFlight));
const rssGrowth = final.rssMb - warm.rssMb;
const fdGrowth = final.fds - baseline.fds;
const openingCount = [...openings.values()].reduce((n, s) => n + s.size, 0);
const malformed = phases.calm.malformed + phases.hog.malformed;
const hung = phases.calm.hung + phases.hog.hung;
const refused = phases.calm.refused + phases.hog.refused;

const row = (name: string, p: PhaseStats): string => {
  const lat = summarize(p.latenciesMs);
  const errors = [...p.errors.entries()]
    .sort()
    .map(([s, n]) => `${n}×${s}`)
    .join(', ');
  return `| ${name} | ${p.sent} | ${p.ok} | ${errors || '0'} | ${p.malformed} | ${p.hung} | ${p.refused} | ${p.dropped} | ${lat.p50.toFixed(0)} | ${lat.p99.toFixed(0)} |`;
};
const checks = [
  ['malformed, cut or missing answers', malformed + hung === 0, `${malformed + hung}`],
  ['connections the gateway did not accept', refused === 0, `${refused}`],
  ['circuit openings on healthy providers', openingCount === 0, `${openingCount}`],
  [
    'gateway RSS after the run vs after warm-up',
    rssGrowth < 64,
    `${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(1)} MB`,
  ],
  [
    'gateway descriptors after the run vs before',
    fdGrowth <= 16,
    `${fdGrowth >= 0 ? '+' : ''}${fdGrowth}`,
  ],
] as const;
const table = [
  `### Soak: ${durationS} s at ${rate} req/s (70% plain, 30% streamed), ${faultRate * 100}% upstream faults, CPU hog from ${durationS / 2} s`,
  '',
  `Machine: ${cpus().length} cores, load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}; ${new Date().toISOString()}`,
  '',
  '| phase | sent | ok | well-formed errors (count×status) | malformed or cut | no answer in 30 s | no connection | dropped by generator | p50 ms (plain ok) | p99 ms (plain ok) |',
  '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  row('before the hog', phases.calm),
  row('with the CPU hog', phases.hog),
  '',
  `Gateway RSS: ${baseline.rssMb.toFixed(1)} MB idle before, ${warm.rssMb.toFixed(1)} MB after warm-up, peak ${peakRss.toFixed(1)} MB, ${final.rssMb.toFixed(1)} MB after the run; descriptors: ${baseline.fds} before, ${final.fds} after; peak requests in flight at the generator: ${peakInFlight}. Errors with status 200 are SSE error events of streams cut by an upstream fault after output began.`,
  '',
  '| check | result | pass |',
  '| --- | --- | --- |',
  ...checks.map(([name, ok, value]) => `| ${name} | ${value} | ${ok ? 'yes' : '**NO**'} |`),
];
process.stdout.write(`${table.join('\n')}\n`);
for (const [verdict, list] of failureSamples) {
  process.stderr.write(`${verdict}, first samples:\n  ${list.join('\n  ')}\n`);
}
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
