import { FlexiAI, silentLogger, type ChatRequest } from '../src/index.js';
import type { BenchTable } from './table.js';
import { startUpstreams } from './upstream-process.js';

/** The bare baseline: Promise.all over the requests with a minimal concurrency limiter. */
async function limitedAll<T>(
  items: readonly ChatRequest[],
  concurrency: number,
  run: (item: ChatRequest) => Promise<T>,
): Promise<T[]> {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (active < concurrency) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return Promise.all(
    items.map(async (item) => {
      await acquire();
      try {
        return await run(item);
      } finally {
        release();
      }
    }),
  );
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/**
 * `ai.batch` throughput at concurrency 64 against the same requests issued with Promise.all and a
 * bare limiter through the same client and simulated upstream (target: >= 0.9x). Rounds alternate
 * between the two; the median round of each is reported.
 */
export async function runBatchBench(options = { requests: 2_000, rounds: 7 }): Promise<BenchTable> {
  const upstream = await startUpstreams(1);
  const ai = new FlexiAI(
    {
      providers: [
        {
          name: 'sim',
          type: 'openai-compatible',
          baseURL: upstream.baseURLs[0] as string,
          apiKey: 'sk-bench',
          model: 'sim-model',
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
  const requests: ChatRequest[] = Array.from({ length: options.requests }, (_, i) => ({
    messages: [{ role: 'user', content: `Item ${i}: say hello.` }],
  }));
  const rates: Record<'batch' | 'limited', number[]> = { batch: [], limited: [] };
  const measure = async (key: 'batch' | 'limited'): Promise<void> => {
    const started = performance.now();
    if (key === 'batch') {
      const results = await ai.batch(requests, { concurrency: 64 });
      if (results.some((r) => !r.ok)) throw new Error('batch bench: an item failed');
    } else {
      await limitedAll(requests, 64, (r) => ai.chatCompletion(r));
    }
    rates[key].push(options.requests / ((performance.now() - started) / 1000));
  };
  await measure('limited'); // warm-up, discarded
  await measure('batch');
  rates.batch.length = 0;
  rates.limited.length = 0;
  for (let round = 0; round < options.rounds; round += 1) {
    if (round % 2 === 0) {
      await measure('batch');
      await measure('limited');
    } else {
      await measure('limited');
      await measure('batch');
    }
  }
  await ai.close();
  await upstream.close();
  const base = median(rates.limited);
  const row = (variant: string, key: 'batch' | 'limited') => ({
    variant,
    'requests/s (median)': median(rates[key]).toFixed(0),
    'min..max': `${Math.min(...rates[key]).toFixed(0)}..${Math.max(...rates[key]).toFixed(0)}`,
    ratio: (median(rates[key]) / base).toFixed(3),
  });
  return {
    title: 'Batch: ai.batch at concurrency 64 vs Promise.all + a bare limiter (target: >= 0.9x)',
    note: `${options.requests} chat requests per round through one client to one simulated OpenAI-wire upstream in a child process; ${options.rounds} alternating rounds after a warm-up of each.`,
    rows: [
      row('Promise.all + limiter (baseline)', 'limited'),
      row('ai.batch({ concurrency: 64 })', 'batch'),
    ],
  };
}
