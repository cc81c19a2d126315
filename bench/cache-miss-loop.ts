/**
 * Sequential cache misses (or the same calls without a cache) on an in-process provider, and
 * nothing else: a fixed workload whose instruction count `valgrind --tool=callgrind` can take.
 * Not part of `npm run bench` (wall clock); see "Where a miss's cost goes" in docs/benchmarks.md.
 *
 *   npx esbuild bench/cache-miss-loop.ts --bundle --platform=node --outfile=/tmp/loop.cjs
 *   valgrind --tool=callgrind node /tmp/loop.cjs <noCache|miss|noStore> <warm-up calls> <calls>
 *
 * Bundled, as the published package is: run from source through tsx, the same calls take about
 * twice the instructions (tsx names every closure it creates) and the heap around them is larger.
 *
 * `noStore`: a cache that looks up and coalesces but stores nothing (`cache.providers` names a
 * provider that does not answer these calls).
 */
import { FlexiAI, silentLogger } from '../src/index.js';
import { freshPrompts } from './fresh-prompts.js';
import { instantProvider } from './instant-provider.js';

const [variant = 'miss', warmup = '20000', calls = '10000'] = process.argv.slice(2);
if (!['noCache', 'miss', 'noStore'].includes(variant))
  throw new Error(`unknown variant ${variant}`);
const client = new FlexiAI(
  {
    providers: [
      {
        name: 'configured',
        type: 'openai-compatible',
        baseURL: 'http://127.0.0.1:9',
        apiKey: 'sk-loop',
        model: 'm',
      },
    ],
    ...(variant === 'noCache'
      ? {}
      : {
          cache: {
            backend: 'memory' as const,
            maxEntries: 200_000,
            ...(variant === 'noStore' ? { providers: ['configured'] } : {}),
          },
        }),
  },
  { logger: silentLogger, env: false },
);
client.registerProvider(instantProvider('local', { freshAnswers: true }));

async function main(): Promise<void> {
  const fresh = freshPrompts();
  const total = Number(warmup) + Number(calls);
  for (let i = 0; i < total; i += 1) {
    await client.chatCompletion({ ...fresh(), model: 'local' });
  }
  await client.close();
}

// No top-level await: the script is bundled to CommonJS for valgrind (see above).
void main();
