/**
 * FlexiAI on node:cluster: N workers behind one port, each with its own FlexiAI client, sharing
 * circuit state through Redis. When one worker sees a provider fail, every worker stops calling it.
 *
 *   npx tsx examples/multi-worker/server.ts
 *
 * Environment: PORT (4000; 0 picks a free one), WORKERS (2), REDIS_URL (redis://127.0.0.1:6379),
 * FLEXIAI_SYNC_KEY_PREFIX (flexiai-example:), UPSTREAM_A_URL / UPSTREAM_B_URL (OpenAI-compatible
 * base URLs; without them the primary starts two simulated providers and the first one fails
 * on demand: POST /demo/fail-primary, POST /demo/heal-primary).
 */
import cluster from 'node:cluster';
import { startPrimary } from './primary.ts';
import { startWorker } from './worker.ts';

if (cluster.isPrimary) await startPrimary();
else await startWorker();
