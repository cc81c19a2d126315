import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { FlexiAI, silentLogger } from '../src/index.js';
import { freshPrompts, SYSTEM } from './fresh-prompts.js';
import { instantProvider } from './instant-provider.js';
import { fmt, interleave, pairedShift, summarize } from './stats.js';
import type { BenchTable } from './table.js';
import { startUpstreams } from './upstream-process.js';

/** Calls of one variant before the next; the paired column compares neighbouring blocks. */
const BLOCK = 100;

/**
 * The response cache in the library, end to end through `chatCompletion`:
 * - a memory hit (the same request again) against the target of 20 µs at p50;
 * - a miss (a request never seen: key, lookup, upstream call, store) against the same call on a
 *   client without a cache, target: at most 5 µs added at p50 in the library, so measured with an
 *   in-process provider (the second table); against a network upstream (the first table) it is
 *   reported too, without a target (see "Where a miss's cost goes" in docs/benchmarks.md).
 * Sequential calls, variants interleaved in blocks of 100 after warm-ups; the upstream is the
 * simulated OpenAI provider in a child process.
 */
export async function runCacheBench(options = { iterations: 5_000 }): Promise<BenchTable[]> {
  const upstream = await startUpstreams(1);
  const [baseURL] = upstream.baseURLs as [string];
  const config = (cache: boolean): FlexiAIConfigInput => ({
    providers: [
      { name: 'sim', type: 'openai-compatible', baseURL, apiKey: 'sk-bench', model: 'sim-model' },
    ],
    ...(cache ? { cache: { backend: 'memory' as const, maxEntries: 100_000 } } : {}),
  });
  const plain = new FlexiAI(config(false), { logger: silentLogger, env: false });
  const cached = new FlexiAI(config(true), { logger: silentLogger, env: false });
  // A control: a second client without a cache, so the table shows what two clients differ by
  // when they do the same work.
  const plain2 = new FlexiAI(config(false), { logger: silentLogger, env: false });
  // An in-process provider (no network; answers made fresh per call, as parsed ones are): isolates
  // what the cache itself costs, keeping a real answer included.
  for (const client of [plain, cached, plain2]) {
    client.registerProvider(instantProvider('local', { freshAnswers: true }));
  }
  const hitRequest = {
    messages: [SYSTEM, { role: 'user' as const, content: 'Say hello in five words.' }],
  };
  await cached.chatCompletion(hitRequest);
  // Unique prompts of the same length for both miss variants.
  const fresh = freshPrompts();
  const local = (request: ReturnType<typeof fresh>) => ({ ...request, model: 'local' });
  const cpuUs: Record<string, number> = {};
  const samples = await interleave(
    {
      noCache: () => plain.chatCompletion(fresh()),
      miss: () => cached.chatCompletion(fresh()),
      hit: () => cached.chatCompletion(hitRequest),
      bypass: () => cached.chatCompletion({ ...fresh(), cache: false }),
      secondClient: () => plain2.chatCompletion(fresh()),
    },
    { warmup: 1_000, iterations: options.iterations, block: BLOCK, cpuUs },
  );
  // The cache's own cost, in a run of its own: no network variant in between to add noise.
  Object.assign(
    samples,
    await interleave(
      {
        localNoCache: () => plain.chatCompletion(local(fresh())),
        localMiss: () => cached.chatCompletion(local(fresh())),
      },
      { warmup: 1_000, iterations: options.iterations * 2, block: BLOCK, cpuUs },
    ),
  );
  const stats = cached.getCacheStats();
  await Promise.all([plain.close(), cached.close(), plain2.close(), upstream.close()]);
  if (!stats || stats.hits < options.iterations) throw new Error('the hit variant did not hit');

  const s = {
    noCache: summarize(samples.noCache ?? []),
    miss: summarize(samples.miss ?? []),
    hit: summarize(samples.hit ?? []),
    localNoCache: summarize(samples.localNoCache ?? []),
    localMiss: summarize(samples.localMiss ?? []),
    bypass: summarize(samples.bypass ?? []),
    secondClient: summarize(samples.secondClient ?? []),
  };
  const row = (name: string, key: keyof typeof s, base: keyof typeof s = 'noCache') => ({
    variant: name,
    n: s[key].n,
    p50: fmt(s[key].p50),
    p99: fmt(s[key].p99),
    mean: fmt(s[key].mean),
    'added p50 vs no cache': key === base ? '' : fmt(s[key].p50 - s[base].p50),
    'added, paired blocks':
      key === base ? '' : fmt(pairedShift(samples[key] ?? [], samples[base] ?? [], BLOCK)),
    'CPU/call': fmt(cpuUs[key] ?? 0),
    'added CPU': key === base ? '' : fmt((cpuUs[key] ?? 0) - (cpuUs[base] ?? 0)),
  });
  return [
    {
      title:
        'Cache: memory hit end to end (target: < 20 µs p50); miss over no cache against a network upstream (no target: the miss target is the next table’s)',
      note: `Sequential chatCompletion calls; the miss variants send a new prompt each call (same length) to a simulated upstream in a child process; the hit variant repeats one request. Interleaved blocks of ${BLOCK} after 1,000 warm-up calls each. "added, paired blocks": the median over rounds of (variant's block median - baseline's block median), which drift between rounds does not move. The two controls do no cache work (one on the cached client with \`cache: false\`, one on a third client without a cache): a gap they share with the miss is the client, not the cache.`,
      rows: [
        row('no cache (baseline)', 'noCache'),
        row('cache miss (+store)', 'miss'),
        row('cache hit (memory)', 'hit'),
        row('control: cached client, cache: false', 'bypass'),
        row('control: a second client, no cache', 'secondClient'),
      ],
    },
    {
      title:
        'Cache: miss over no cache in the library, in-process provider (target: <= 5 µs added p50)',
      note: 'The same two miss variants, routed to a provider object that answers at once (a fresh answer each call: its own content, request id and metadata, as a parsed answer is), so the difference is the cache’s own work (key, lookup, single-flight, the stored copy, LRU insert, events) without upstream noise; in a run of their own (twice the iterations), after the table above.',
      rows: [
        row('no cache (baseline)', 'localNoCache', 'localNoCache'),
        row('cache miss (+store)', 'localMiss', 'localNoCache'),
      ],
    },
  ];
}
