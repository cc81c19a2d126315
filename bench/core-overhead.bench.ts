import { Agent } from 'undici';
import { FlexiAI, silentLogger } from '../src/index.js';
import { getClosedPort } from '../src/testing/index.js';
import { fmt, interleave, summarize } from './stats.js';
import { instantProvider } from './instant-provider.js';
import type { BenchTable } from './table.js';
import { startUpstreams } from './upstream-process.js';

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello in five words.' },
];

/**
 * In-process overhead of `chatCompletion` over a bare HTTP call (undici, keep-alive, same body,
 * JSON parsed) to the same simulated upstream, sequential calls, interleaved blocks.
 * Also: the failover path with the primary's circuit open, against calling the secondary alone.
 */
export async function runCoreOverheadBench(options = { iterations: 5_000 }): Promise<BenchTable[]> {
  const upstream = await startUpstreams(2);
  const [primaryURL, secondaryURL] = upstream.baseURLs as [string, string];
  const deadPort = await getClosedPort();
  const agent = new Agent({ connections: 128 });
  const body = JSON.stringify({ model: 'sim-model', messages });
  const bare = async (): Promise<unknown> => {
    const res = await agent.request({
      origin: new URL(primaryURL).origin,
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body,
    });
    return JSON.parse(await res.body.text());
  };
  const single = new FlexiAI(
    {
      providers: [
        {
          name: 'sim',
          type: 'openai-compatible',
          baseURL: primaryURL,
          apiKey: 'sk-bench',
          model: 'sim-model',
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
  const secondaryOnly = new FlexiAI(
    {
      providers: [
        {
          name: 'b',
          type: 'openai-compatible',
          baseURL: secondaryURL,
          apiKey: 'sk-bench',
          model: 'sim-model',
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
  const failover = new FlexiAI(
    {
      providers: [
        {
          name: 'a',
          type: 'openai-compatible',
          baseURL: `http://127.0.0.1:${deadPort}/v1`,
          apiKey: 'sk-bench',
          model: 'sim-model',
        },
        {
          name: 'b',
          type: 'openai-compatible',
          baseURL: secondaryURL,
          apiKey: 'sk-bench',
          model: 'sim-model',
        },
      ],
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 3_600_000 },
    },
    { logger: silentLogger, env: false },
  );
  await failover.chatCompletion({ messages }); // opens a's circuit
  const simple = await runAskOverheadBench(options.iterations * 4);
  const cpuUs: Record<string, number> = {};
  const samples = await interleave(
    {
      bare: bare,
      flexiai: () => single.chatCompletion({ messages }),
      ask: () => single.ask('Say hello in five words.', { system: 'You are terse.' }),
      secondaryOnly: () => secondaryOnly.chatCompletion({ messages }),
      failoverOpen: () => failover.chatCompletion({ messages }),
    },
    { warmup: 1_000, iterations: options.iterations, block: 100, cpuUs },
  );
  await Promise.all([
    single.close(),
    secondaryOnly.close(),
    failover.close(),
    agent.close(),
    upstream.close(),
  ]);

  const s = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, summarize(v)]),
  ) as Record<
    'bare' | 'flexiai' | 'ask' | 'secondaryOnly' | 'failoverOpen',
    ReturnType<typeof summarize>
  >;
  const cpu = cpuUs as Record<keyof typeof s, number>;
  const row = (name: string, key: keyof typeof s, baseKey: keyof typeof s) => {
    const x = s[key];
    const base = s[baseKey];
    return {
      variant: name,
      n: x.n,
      p50: fmt(x.p50),
      p99: fmt(x.p99),
      mean: fmt(x.mean),
      'added p50': fmt(x.p50 - base.p50),
      'added p99': fmt(x.p99 - base.p99),
      'ratio p50': (x.p50 / base.p50).toFixed(3),
      'CPU/call': fmt(cpu[key]),
      'added CPU': fmt(cpu[key] - cpu[baseKey]),
    };
  };
  return [
    {
      title: 'Core: chatCompletion overhead over a bare HTTP call (target: <= 30 µs added at p50)',
      note: 'Sequential calls to one simulated OpenAI-wire upstream running in a child process; bare = undici request with the same body + JSON.parse. Variants interleaved in blocks of 100 after 1,000 warm-up calls each. CPU/call = user + system CPU time of this process per call (the work FlexiAI adds, which waiting on the upstream does not hide).',
      rows: [
        row('bare HTTP (baseline)', 'bare', 'bare'),
        row('FlexiAI.chatCompletion', 'flexiai', 'bare'),
        row('FlexiAI.ask (same messages)', 'ask', 'bare'),
      ],
    },
    simple,
    {
      title:
        'Core: failover with the primary circuit open vs calling the secondary alone (target: <= 50 µs added)',
      rows: [
        row('secondary alone (baseline)', 'secondaryOnly', 'secondaryOnly'),
        row('primary open -> secondary', 'failoverOpen', 'secondaryOnly'),
      ],
    },
  ];
}

/**
 * `ai.ask` over `ai.chatCompletion` with the same messages, on an in-memory provider: no network,
 * so the difference is the simple API's own cost (building the messages, reading the text), not
 * lost in the noise of an HTTP round trip.
 */
async function runAskOverheadBench(iterations: number): Promise<BenchTable> {
  const ai = new FlexiAI(
    {
      providers: [
        {
          name: 'unused',
          type: 'openai-compatible',
          baseURL: 'http://127.0.0.1:9/v1',
          apiKey: 'sk-bench',
          model: 'm',
          enabled: false,
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
  ai.registerProvider(instantProvider('instant'), { priority: 0 });
  const cpuUs: Record<string, number> = {};
  const samples = await interleave(
    {
      chatCompletion: async () => (await ai.chatCompletion({ messages })).content,
      ask: () => ai.ask('Say hello in five words.', { system: 'You are terse.' }),
    },
    { warmup: 5_000, iterations, block: 200, cpuUs },
  );
  await ai.close();
  const base = summarize(samples.chatCompletion ?? []);
  const ask = summarize(samples.ask ?? []);
  const row = (variant: string, x: ReturnType<typeof summarize>, key: string) => ({
    variant,
    n: x.n,
    p50: fmt(x.p50),
    p99: fmt(x.p99),
    mean: fmt(x.mean),
    'added p50': fmt(x.p50 - base.p50),
    'added mean': fmt(x.mean - base.mean),
    'CPU/call': fmt(cpuUs[key] ?? 0),
    'added CPU': fmt((cpuUs[key] ?? 0) - (cpuUs.chatCompletion ?? 0)),
  });
  return {
    title: 'Simple API: ai.ask over chatCompletion, in memory (target: <= 1 µs added at p50)',
    note: 'One FlexiAI client over an in-memory provider that answers at once, so only client work is timed. chatCompletion gets the system + user messages and reads `content`; ask gets the same prompt and `system` option. Interleaved blocks of 200 after 5,000 warm-up calls each.',
    rows: [row('chatCompletion (baseline)', base, 'chatCompletion'), row('ai.ask', ask, 'ask')],
  };
}
