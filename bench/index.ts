/**
 * `npm run bench`: every benchmark, one table each, ratios against a baseline measured in the same
 * run. `npm run bench -- core` runs only the named groups.
 */
import { arch, cpus, platform, totalmem } from 'node:os';
import { runCacheBench } from './cache.bench.js';
import { runBatchBench } from './batch.bench.js';
import { runCoreOverheadBench } from './core-overhead.bench.js';
import { runGatewayBench } from './gateway.bench.js';
import { runHeapBench } from './heap.bench.js';
import { runObservabilityBench } from './observability.bench.js';
import { runRedisSyncBench } from './redis-sync.bench.js';
import { runStreamingBench } from './streaming.bench.js';
import { printTable, type BenchTable } from './table.js';

const groups: Record<string, () => Promise<BenchTable[]>> = {
  core: () => runCoreOverheadBench(),
  streaming: () => runStreamingBench(),
  gateway: () => runGatewayBench(),
  redis: async () => [await runRedisSyncBench()],
  cache: () => runCacheBench(),
  observability: () => runObservabilityBench(),
  batch: async () => [await runBatchBench()],
  heap: () => runHeapBench(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const selected = wanted.length ? wanted : Object.keys(groups);

console.log(`# FlexiAI benchmarks — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${platform()} ${arch()}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
for (const name of selected) {
  const run = groups[name];
  if (!run) {
    console.error(`unknown benchmark group "${name}" (known: ${Object.keys(groups).join(', ')})`);
    process.exitCode = 2;
    continue;
  }
  for (const table of await run()) printTable(table);
}
