import type { Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { mergeSnapshots } from '../observability/merge-snapshots.js';
import type { MetricsSnapshot } from '../observability/metrics-snapshot.js';

/** How long the primary waits for every worker's snapshot before merging what arrived. */
const COLLECT_MS = 2_000;

type Message =
  | { type: 'flexiai:metrics-request'; id: string }
  | { type: 'flexiai:metrics-collect'; id: string }
  | { type: 'flexiai:metrics-snapshot'; id: string; snapshot: MetricsSnapshot }
  | { type: 'flexiai:metrics-aggregate'; id: string; snapshot: MetricsSnapshot };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' &&
  m !== null &&
  typeof (m as { type?: unknown }).type === 'string' &&
  (m as { type: string }).type.startsWith('flexiai:metrics-');

/**
 * The cluster primary's side of the aggregated /metrics: a worker asks over IPC, the primary asks
 * every live worker for its snapshot, merges them (counters and histograms summed, gauges per
 * worker) and answers the one that asked. A worker that does not answer within 2 s is left out.
 */
export function clusterMetricsPrimary(
  workers: () => Worker[],
): (from: Worker, message: unknown) => void {
  const rounds = new Map<string, { got: Map<string, MetricsSnapshot>; done: () => void }>();
  return (from, message) => {
    if (!isMessage(message)) return;
    if (message.type === 'flexiai:metrics-snapshot') {
      const round = rounds.get(message.id);
      round?.got.set(String(from.id), message.snapshot);
      if (round && round.got.size >= workers().length) round.done();
      return;
    }
    if (message.type !== 'flexiai:metrics-request') return;
    const live = workers().filter((w) => !w.isDead() && w.isConnected());
    const got = new Map<string, MetricsSnapshot>();
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      if (!rounds.delete(message.id)) return;
      clearTimeout(timer);
      const snapshot = mergeSnapshots(
        [...got].map(([worker, snap]) => ({ worker, snapshot: snap })),
      );
      if (from.isConnected())
        from.send({ type: 'flexiai:metrics-aggregate', id: message.id, snapshot });
    };
    rounds.set(message.id, { got, done });
    timer = setTimeout(done, COLLECT_MS);
    for (const worker of live) worker.send({ type: 'flexiai:metrics-collect', id: message.id });
  };
}

/**
 * A worker's side: answers the primary's collection rounds with this worker's snapshot, and
 * returns `aggregate()` for the gateway's /metrics (this worker's own when the primary is silent).
 */
export function clusterMetricsWorker(local: () => MetricsSnapshot): {
  aggregate: () => Promise<MetricsSnapshot>;
} {
  const waiting = new Map<string, (snapshot: MetricsSnapshot) => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'flexiai:metrics-collect') {
      process.send?.({ type: 'flexiai:metrics-snapshot', id: message.id, snapshot: local() });
    } else if (message.type === 'flexiai:metrics-aggregate') {
      waiting.get(message.id)?.(message.snapshot);
    }
  });
  return {
    aggregate: () =>
      new Promise((resolve) => {
        const id = randomUUID();
        const timer = setTimeout(() => finish(local()), COLLECT_MS + 1_000);
        const finish = (snapshot: MetricsSnapshot): void => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(snapshot);
        };
        waiting.set(id, finish);
        if (!process.send?.({ type: 'flexiai:metrics-request', id })) finish(local());
      }),
  };
}
