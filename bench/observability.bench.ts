import { FlexiAI, silentLogger } from '../src/index.js';
import { renderPrometheus } from '../src/observability/prometheus-text.js';
import type { Provider, ProviderFactory } from '../src/providers/provider.js';
import { createDefaultProviderRegistry } from '../src/providers/registry.js';
import { fmt, interleave, summarize, timeUs } from './stats.js';
import type { BenchTable } from './table.js';

const messages = [{ role: 'user' as const, content: 'Say hello in five words.' }];

/** An upstream that answers at once, in process: what is left to time is FlexiAI's own work. */
const instant: ProviderFactory = (config) =>
  ({
    name: config.name,
    type: config.type,
    model: config.model,
    chat: async (request) => ({
      id: 'cmpl-bench',
      created: 0,
      model: request.model,
      content: 'Hello there, how are you?',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 7, totalTokens: 19 },
    }),
    healthCheck: async () => ({ ok: true, checkedAt: 0, latencyMs: 0 }),
    close: async () => {},
  }) satisfies Provider;

const client = (metrics: boolean) =>
  new FlexiAI(
    {
      providers: ['a', 'b', 'c'].map((name) => ({
        name,
        type: 'openai-compatible' as const,
        baseURL: 'http://127.0.0.1:9/v1',
        apiKey: 'sk-bench',
        model: `model-${name}`,
      })),
      observability: { metrics },
    },
    {
      logger: silentLogger,
      env: false,
      registry: createDefaultProviderRegistry().register('openai-compatible', instant),
    },
  );

/**
 * What metrics cost a request: the same in-process call (an instant upstream, no HTTP) with the
 * metrics listeners on and off, interleaved; and what one /metrics scrape costs (rendering every
 * series after 20,000 requests), spread over the requests between two scrapes.
 */
export async function runObservabilityBench(
  options = { iterations: 20_000 },
): Promise<BenchTable[]> {
  const off = client(false);
  const on = client(true);
  const cpuUs: Record<string, number> = {};
  const samples = await interleave(
    {
      off: () => off.chatCompletion({ messages }),
      on: () => on.chatCompletion({ messages }),
    },
    { warmup: 2_000, iterations: options.iterations, block: 200, cpuUs },
  );
  const s = { off: summarize(samples.off ?? []), on: summarize(samples.on ?? []) };

  const scrapes: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 500; i += 1) {
    scrapes.push(
      await timeUs(async () => {
        bytes = renderPrometheus(on.getMetrics().families).length;
      }),
    );
  }
  const scrape = summarize(scrapes.slice(50));
  await Promise.all([off.close(), on.close()]);
  // A scrape every 15 s at 100 requests/s: one scrape per 1,500 requests.
  const perRequest = scrape.p50 / 1_500;
  return [
    {
      title:
        'Observability: metrics listeners per request (target: <= 3 µs added at p50, scrape included)',
      note: 'In-process chatCompletion against an instant upstream (no HTTP), three providers, metrics on vs off, interleaved in blocks of 200 after 2,000 warm-up calls each. Scrape = ai.getMetrics() + Prometheus text rendering of every series; amortised over the 1,500 requests between two scrapes at 15 s and 100 req/s.',
      rows: [
        {
          variant: 'metrics off (baseline)',
          n: s.off.n,
          p50: fmt(s.off.p50),
          p99: fmt(s.off.p99),
          'added p50': fmt(0),
          'CPU/call': fmt(cpuUs.off ?? 0),
        },
        {
          variant: 'metrics on',
          n: s.on.n,
          p50: fmt(s.on.p50),
          p99: fmt(s.on.p99),
          'added p50': fmt(s.on.p50 - s.off.p50),
          'CPU/call': fmt(cpuUs.on ?? 0),
        },
        {
          variant: `one /metrics scrape (${bytes} bytes)`,
          n: scrape.n,
          p50: fmt(scrape.p50),
          p99: fmt(scrape.p99),
          'added p50': `${fmt(perRequest)} per request`,
          'CPU/call': '',
        },
      ],
    },
  ];
}
