/** Child process: starts N simulated providers and sends their base URLs to the parent (IPC). */
import { createSimulatedProvider } from '../src/testing/index.js';
import { startBurstUpstream } from './burst-upstream.js';
import type { UpstreamSpec } from './upstream-process.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as UpstreamSpec;
if (spec.mode === 'burst') {
  const chunks = spec.reply.kind === 'ok' ? (spec.reply.chunks ?? []) : [];
  const urls = await Promise.all(
    Array.from({ length: spec.count }, () => startBurstUpstream(chunks)),
  );
  process.send?.(urls);
  process.on('SIGTERM', () => process.exit(0));
} else {
  await startSimulators(spec);
}

async function startSimulators(spec: UpstreamSpec): Promise<void> {
  const sims = await Promise.all(
    Array.from({ length: spec.count }, (_, i) =>
      createSimulatedProvider({ wire: spec.wire, name: `up${i}`, defaultReply: spec.reply }),
    ),
  );
  // The simulators log every request; under load tests that log would grow without bound.
  setInterval(() => {
    for (const sim of sims) sim.requests.length = 0;
  }, 1_000).unref();
  process.send?.(sims.map((s) => s.baseURL));
  process.on('SIGTERM', () => {
    void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0));
  });
}
