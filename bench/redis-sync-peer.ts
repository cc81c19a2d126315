/**
 * Child process of the Redis propagation benchmark: worker B. It shares circuit state with the
 * benchmark process (worker A) through Redis and reports, over IPC, the wall-clock time (shared by
 * both processes on one host) at which each of A's decisions reached its breaker.
 */
import { FlexiAI } from '../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { silentLogger } from '../src/internal/logger.js';

const config = JSON.parse(process.argv[2] ?? '{}') as FlexiAIConfigInput;
const worker = await FlexiAI.create(config, { logger: silentLogger, env: false });
worker.onCircuitStateChange((event) => {
  if (event.source !== 'remote') return;
  process.send?.({ to: event.to, at: performance.timeOrigin + performance.now() });
});
process.send?.('ready');
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
