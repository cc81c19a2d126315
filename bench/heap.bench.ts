import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { createGateway } from '../src/gateway/index.js';
import { FlexiAI, silentLogger } from '../src/index.js';
import { instantProvider } from './instant-provider.js';
import type { BenchTable } from './table.js';

/**
 * Leak check of the gateway's request path: rounds of requests through the real Fastify gateway
 * (in process, `inject`: no sockets, so only FlexiAI's and Fastify's own objects are measured),
 * one in three streamed, each with a new prompt; after each round a full GC and the live heap.
 * Bounded structures (the memory ledger, metrics windows) fill in the first rounds; after them
 * the heap must stay flat. Baseline: the heap after the first round.
 */
export async function runHeapBench(
  options = { rounds: 8, perRound: 5_000 },
): Promise<BenchTable[]> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const ai = new FlexiAI(
    {
      providers: [
        {
          name: 'unused',
          type: 'openai-compatible',
          baseURL: 'http://127.0.0.1:9',
          model: 'm',
          enabled: false,
        },
      ],
    },
    { logger: silentLogger, env: false },
  );
  ai.registerProvider(instantProvider());
  const app = createGateway({ client: ai, logger: pino({ level: 'silent' }) });
  await app.ready();
  const heaps: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < options.perRound; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: {
          model: 'local',
          stream: i % 3 === 0,
          messages: [{ role: 'user', content: `leak check ${round}-${i}` }],
        },
      });
      if (res.statusCode !== 200) throw new Error(`unexpected ${res.statusCode}: ${res.body}`);
    }
    gc();
    gc();
    heaps.push(process.memoryUsage().heapUsed / 2 ** 20);
  }
  await app.close();
  await ai.close();
  const base = heaps[0] ?? 0;
  return [
    {
      title: `Heap: live heap after each round of ${options.perRound.toLocaleString('en')} gateway requests (target: flat after the bounded structures fill)`,
      note: 'In process through the Fastify gateway (inject), one in three requests streamed, each prompt new; full GC before each reading. The memory ledger keeps its newest 10,000 entries (filled after round 2).',
      rows: heaps.map((mb, i) => ({
        round: i + 1,
        requests: ((i + 1) * options.perRound).toLocaleString('en'),
        'live heap': `${mb.toFixed(1)} MB`,
        'vs round 1': `${mb - base >= 0 ? '+' : ''}${(mb - base).toFixed(1)} MB`,
      })),
    },
  ];
}
