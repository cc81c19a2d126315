import { Agent } from 'undici';
import { FlexiAI, silentLogger } from '../src/index.js';
import { startBenchChild } from './child-process.js';
import { directStream, streamBody, type DirectStreamTarget } from './direct-stream.js';
import { fmt, interleaveMeasured, summarize, type Summary } from './stats.js';
import type { MemoryRunResult, MemoryRunSpec } from './stream-memory-child.js';
import type { BenchTable } from './table.js';
import { startUpstreams } from './upstream-process.js';

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello in five words.' },
];

export interface StreamingBenchOptions {
  /** Streams per variant for time to first token. */
  ttftIterations: number;
  /** Chunks of the long stream. */
  longChunks: number;
  /** Long streams per variant. */
  longIterations: number;
  /** Concurrent streams of the memory run. */
  concurrentStreams: number;
}

const defaults: StreamingBenchOptions = {
  ttftIterations: 3_000,
  longChunks: 2_000,
  longIterations: 40,
  concurrentStreams: 1_000,
};

/**
 * Streaming through `FlexiAI.chatCompletionStream` against a direct streaming call (undici + SSE
 * decode, same body) to the same simulated upstream in another process: time to first token,
 * chunk throughput of a long stream, and peak RSS of many concurrent streams (fresh processes).
 */
export async function runStreamingBench(
  options: Partial<StreamingBenchOptions> = {},
): Promise<BenchTable[]> {
  const o = { ...defaults, ...options };
  return [await timeToFirstToken(o), await longStreamThroughput(o), await concurrentMemory(o)];
}

function flexiAIFor(baseURL: string, maxConnections = 128): FlexiAI {
  return new FlexiAI(
    {
      providers: [
        {
          name: 'sim',
          type: 'openai-compatible',
          baseURL,
          apiKey: 'sk-bench',
          model: 'sim-model',
          maxConnections,
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
}

function directTarget(agent: Agent, baseURL: string): DirectStreamTarget {
  const url = new URL(`${baseURL}/chat/completions`);
  return { agent, origin: url.origin, path: url.pathname, body: streamBody(messages) };
}

/**
 * A millisecond between streams, so each starts with the upstream idle: FlexiAI is done at `[DONE]`
 * while the direct reader waits for the end of the body, and back to back that difference would
 * land the next request on an upstream still finishing the last one.
 */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

const elapsedUs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1_000;

async function timeToFirstToken(o: StreamingBenchOptions): Promise<BenchTable> {
  const chunks = ['Hello', ' from', ' the', ' simulated', ' upstream', '.'];
  const upstream = await startUpstreams(1, { reply: { kind: 'ok', chunks } });
  const baseURL = upstream.baseURLs[0] as string;
  const agent = new Agent({ connections: 128 });
  const target = directTarget(agent, baseURL);
  const ai = flexiAIFor(baseURL);
  const cpuUs: Record<string, number> = {};
  const samples = await interleaveMeasured(
    {
      direct: async () => {
        await pause();
        const start = process.hrtime.bigint();
        let first = 0;
        await directStream(target, () => {
          first ||= elapsedUs(start);
        });
        return first;
      },
      flexiai: async () => {
        await pause();
        const start = process.hrtime.bigint();
        let first = 0;
        for await (const chunk of ai.chatCompletionStream({ messages })) {
          if (chunk.type === 'text-delta') first ||= elapsedUs(start);
        }
        return first;
      },
    },
    { warmup: 500, iterations: o.ttftIterations, block: 100, cpuUs },
  );
  await Promise.all([ai.close(), agent.close(), upstream.close()]);
  const direct = summarize(samples.direct ?? []);
  const flexiai = summarize(samples.flexiai ?? []);
  const row = (variant: string, x: Summary, cpu: number) => ({
    variant,
    n: x.n,
    'TTFT p50': fmt(x.p50),
    'TTFT p99': fmt(x.p99),
    'added p50': fmt(x.p50 - direct.p50),
    'added p99': fmt(x.p99 - direct.p99),
    'ratio p50': (x.p50 / direct.p50).toFixed(3),
    'CPU/stream': fmt(cpu),
    'added CPU': fmt(cpu - (cpuUs.direct ?? 0)),
  });
  return {
    title:
      'Streaming: time to first token added by chatCompletionStream (target: <= 1 ms added at p50)',
    note: `Sequential streams of ${chunks.length} text deltas (plus role, finish and usage events) from one simulated OpenAI-wire upstream in a child process; TTFT = from the call to the first text delta in the caller's hands. Each stream is read to its end, then 1 ms pause so every stream starts on an idle upstream; interleaved blocks of 100. CPU/stream = this process's user + system CPU time per whole stream (the 1 ms timer included, alike for both).`,
    rows: [
      row('direct: undici + SSE decode (baseline)', direct, cpuUs.direct ?? 0),
      row('FlexiAI.chatCompletionStream', flexiai, cpuUs.flexiai ?? 0),
    ],
  };
}

interface LongStreamFigures {
  wall: Record<'direct' | 'flexiai', Summary>;
  /** p50 client CPU per stream, µs. */
  cpu: Record<'direct' | 'flexiai', number>;
}

async function measureLongStreams(
  o: StreamingBenchOptions,
  mode: 'simulator' | 'burst',
): Promise<LongStreamFigures> {
  const chunks = Array.from({ length: o.longChunks }, (_, i) => `t${i % 10} `);
  const upstream = await startUpstreams(1, { reply: { kind: 'ok', chunks }, mode });
  const baseURL = upstream.baseURLs[0] as string;
  const agent = new Agent({ connections: 128 });
  const target = directTarget(agent, baseURL);
  const ai = flexiAIFor(baseURL);
  const cpu: Record<string, number[]> = { direct: [], flexiai: [] };
  // Each run returns its wall time and records the client process's CPU time (user + system).
  const measured = (name: string, stream: () => Promise<number>) => async (): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const received = await stream();
    const wall = elapsedUs(start);
    const used = process.cpuUsage(cpu0);
    if (received !== o.longChunks)
      throw new Error(`${name}: ${received} of ${o.longChunks} chunks`);
    cpu[name]?.push(used.user + used.system);
    return wall;
  };
  const samples = await interleaveMeasured(
    {
      direct: measured('direct', () => directStream(target)),
      flexiai: measured('flexiai', async () => {
        let received = 0;
        for await (const chunk of ai.chatCompletionStream({ messages })) {
          if (chunk.type === 'text-delta') received += 1;
        }
        return received;
      }),
    },
    { warmup: 5, iterations: o.longIterations, block: 5 },
  );
  await Promise.all([ai.close(), agent.close(), upstream.close()]);
  return {
    wall: { direct: summarize(samples.direct ?? []), flexiai: summarize(samples.flexiai ?? []) },
    cpu: {
      direct: summarize(cpu.direct ?? []).p50,
      flexiai: summarize(cpu.flexiai ?? []).p50,
    },
  };
}

async function longStreamThroughput(o: StreamingBenchOptions): Promise<BenchTable> {
  const rows: Record<string, string | number>[] = [];
  for (const [mode, upstreamLabel] of [
    ['simulator', 'simulator, one write per event'],
    ['burst', 'whole stream in one write'],
  ] as const) {
    const f = await measureLongStreams(o, mode);
    const perSecond = (us: number): number => (o.longChunks / us) * 1e6;
    for (const [key, variant] of [
      ['direct', 'direct: undici + SSE decode (baseline)'],
      ['flexiai', 'FlexiAI.chatCompletionStream'],
    ] as const) {
      rows.push({
        upstream: upstreamLabel,
        variant,
        streams: f.wall[key].n,
        'stream p50': fmt(f.wall[key].p50),
        'stream p99': fmt(f.wall[key].p99),
        'chunks/s (p50)': Math.round(perSecond(f.wall[key].p50)).toLocaleString('en-US'),
        'ratio vs direct': (f.wall.direct.p50 / f.wall[key].p50).toFixed(3),
        'client CPU per chunk (p50)': fmt(f.cpu[key] / o.longChunks),
        'CPU ratio': (f.cpu[key] / f.cpu.direct).toFixed(2),
      });
    }
  }
  return {
    title: `Streaming: chunk throughput of a ${o.longChunks.toLocaleString('en-US')}-chunk stream, FlexiAI vs direct`,
    note: "Sequential streams, interleaved blocks of 5, upstream in a child process. Two upstreams: the simulator, which writes each SSE event as its own TCP write and waits for it (it sets the pace, so both clients mostly wait: the ratio shows whether FlexiAI keeps up); and a burst server sending the same events whole in one write (the client sets the pace: the ratio is FlexiAI's chunk rate against the bare decoder's). chunks/s = text deltas / wall time of the whole stream (p50 stream); ratio = FlexiAI chunks/s over direct chunks/s. Client CPU = user + system time of the benchmark process per text delta.",
    rows,
  };
}

async function concurrentMemory(o: StreamingBenchOptions): Promise<BenchTable> {
  // ~1 s streams, so every stream is open at once: 50 deltas, 20 ms apart.
  const chunks = Array.from({ length: 50 }, (_, i) => `word${i} `);
  const upstream = await startUpstreams(1, { reply: { kind: 'ok', chunks, chunkDelayMs: 20 } });
  const baseURL = upstream.baseURLs[0] as string;
  const results: Record<'direct' | 'flexiai', MemoryRunResult> = {} as never;
  for (const mode of ['direct', 'flexiai'] as const) {
    const spec: MemoryRunSpec = {
      mode,
      baseURL,
      streams: o.concurrentStreams,
      chunks: chunks.length,
      sampleMs: 10,
    };
    const child = await startBenchChild<'ready'>('./stream-memory-child.ts', [
      JSON.stringify(spec),
    ]);
    results[mode] = await child.nextMessage<MemoryRunResult>();
    await child.close();
  }
  await upstream.close();
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const row = (variant: string, r: MemoryRunResult) => ({
    variant,
    streams: r.streams,
    completed: r.completed,
    'open at once (max)': r.maxOpen,
    'baseline RSS': mb(r.baselineRss),
    'peak RSS (sampled)': mb(r.peakRss),
    'peak RSS (kernel max)': mb(r.maxRss),
    'added per stream': `${((r.peakRss - r.baselineRss) / r.streams / 1024).toFixed(1)} KB`,
    'peak heap used': mb(r.peakHeapUsed),
    wall: fmt(r.durationMs * 1000),
    'peak RSS ratio': (r.peakRss / results.direct.peakRss).toFixed(2),
  });
  return {
    title: `Streaming: peak RSS of ${o.concurrentStreams.toLocaleString('en-US')} concurrent streams (target: <= 256 MB)`,
    note: `Each variant in a fresh Node process (tsx), after 20 warm-up streams; RSS sampled every 10 ms while ${o.concurrentStreams} streams of ${chunks.length} deltas (20 ms apart, ~1 s each) run at once; "kernel max" is getrusage's maxrss for the whole process life. FlexiAI's provider has maxConnections: ${o.concurrentStreams} (the default 128 would queue the rest).`,
    rows: [
      row('direct: undici + SSE decode (baseline)', results.direct),
      row('FlexiAI.chatCompletionStream', results.flexiai),
    ],
  };
}
