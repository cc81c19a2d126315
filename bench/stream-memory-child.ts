/**
 * Child process of the streaming memory benchmark: runs N concurrent streams, either direct (undici
 * + SSE decode) or through FlexiAI, sampling RSS, and sends the figures to the parent.
 */
import { Agent } from 'undici';
import { FlexiAI, silentLogger } from '../src/index.js';
import { directStream, streamBody } from './direct-stream.js';

export interface MemoryRunSpec {
  mode: 'direct' | 'flexiai';
  baseURL: string;
  streams: number;
  /** Text deltas each stream should deliver. */
  chunks: number;
  sampleMs: number;
}

export interface MemoryRunResult {
  streams: number;
  completed: number;
  /** Most streams open (first byte in, not yet finished) at one time. */
  maxOpen: number;
  baselineRss: number;
  peakRss: number;
  /** getrusage maxrss, in bytes. */
  maxRss: number;
  peakHeapUsed: number;
  durationMs: number;
}

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello in five words.' },
];

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as MemoryRunSpec;
  process.send?.('ready');
  let run: (onFirst: () => void) => Promise<number>;
  let close: () => Promise<void>;
  if (spec.mode === 'direct') {
    const agent = new Agent({ connections: spec.streams });
    const url = new URL(`${spec.baseURL}/chat/completions`);
    const target = { agent, origin: url.origin, path: url.pathname, body: streamBody(messages) };
    run = (onFirst) => {
      let first = true;
      return directStream(target, () => {
        if (first) onFirst();
        first = false;
      });
    };
    close = () => agent.close();
  } else {
    const ai = new FlexiAI(
      {
        providers: [
          {
            name: 'sim',
            type: 'openai-compatible',
            baseURL: spec.baseURL,
            apiKey: 'sk-bench',
            model: 'sim-model',
            maxConnections: spec.streams,
          },
        ],
      },
      { logger: silentLogger, env: false },
    );
    run = async (onFirst) => {
      let tokens = 0;
      for await (const chunk of ai.chatCompletionStream({ messages })) {
        if (chunk.type !== 'text-delta') continue;
        if (tokens === 0) onFirst();
        tokens += 1;
      }
      return tokens;
    };
    close = () => ai.close();
  }

  for (let i = 0; i < 20; i += 1) await run(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baselineRss = process.memoryUsage.rss();
  let peakRss = baselineRss;
  let peakHeapUsed = process.memoryUsage().heapUsed;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeapUsed = Math.max(peakHeapUsed, usage.heapUsed);
  };
  const sampler = setInterval(sample, spec.sampleMs);
  let open = 0;
  let maxOpen = 0;
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: spec.streams }, async () => {
      let counted = false;
      try {
        return await run(() => {
          counted = true;
          open += 1;
          maxOpen = Math.max(maxOpen, open);
        });
      } finally {
        if (counted) open -= 1;
      }
    }),
  );
  const durationMs = performance.now() - started;
  clearInterval(sampler);
  sample();
  const completed = outcomes.filter((o) => o.status === 'fulfilled' && o.value === spec.chunks);
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) console.error(`stream failed: ${String(failed.reason)}`);
  const result: MemoryRunResult = {
    streams: spec.streams,
    completed: completed.length,
    maxOpen,
    baselineRss,
    peakRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    peakHeapUsed,
    durationMs,
  };
  await close();
  process.send?.(result, () => process.exit(0));
}

await main();
