import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clusterMetricsPrimary } from '../../src/cli/cluster-metrics.js';
import type { MetricsSnapshot } from '../../src/observability/metrics-snapshot.js';

/** A fake cluster worker: records what the primary sends it. */
class FakeWorker extends EventEmitter {
  sent: { type: string; id: string; snapshot?: MetricsSnapshot }[] = [];
  dead = false;
  connected = true;
  constructor(readonly id: number) {
    super();
  }
  send(message: { type: string; id: string }): boolean {
    this.sent.push(message);
    return true;
  }
  isDead(): boolean {
    return this.dead;
  }
  isConnected(): boolean {
    return this.connected;
  }
}

const snapshot = (requests: number, state: number): MetricsSnapshot => ({
  takenAt: 1,
  startedAt: 0,
  circuitHistory: [],
  families: [
    {
      name: 'flexiai_requests_total',
      help: 'r',
      type: 'counter',
      labelNames: ['route'],
      series: [{ labels: ['default'], value: requests }],
    },
    {
      name: 'flexiai_circuit_state',
      help: 's',
      type: 'gauge',
      labelNames: ['provider'],
      series: [{ labels: ['a'], value: state }],
    },
  ],
});

/** `serve --workers`: the primary's side of the aggregated /metrics. */
describe('cluster metrics (primary)', () => {
  afterEach(() => vi.useRealTimers());

  it('asks every live worker, merges their snapshots (counters summed, gauges per worker), answers the one that asked', () => {
    const workers = [new FakeWorker(1), new FakeWorker(2), new FakeWorker(3)];
    const [w1, w2, w3] = workers as [FakeWorker, FakeWorker, FakeWorker];
    const primary = clusterMetricsPrimary(() => workers as unknown as Worker[]);
    const on = (w: FakeWorker, m: unknown) => primary(w as unknown as Worker, m);
    on(w2, { type: 'flexiai:metrics-request', id: 'q1' });
    for (const w of workers)
      expect(w.sent).toEqual([{ type: 'flexiai:metrics-collect', id: 'q1' }]);
    on(w1, { type: 'flexiai:metrics-snapshot', id: 'q1', snapshot: snapshot(2, 0) });
    on(w2, { type: 'flexiai:metrics-snapshot', id: 'q1', snapshot: snapshot(3, 1) });
    expect(w2.sent).toHaveLength(1); // still waiting for worker 3
    on(w3, { type: 'flexiai:metrics-snapshot', id: 'q1', snapshot: snapshot(5, 0) });
    const answer = w2.sent[1];
    expect(answer).toMatchObject({ type: 'flexiai:metrics-aggregate', id: 'q1' });
    const families = answer?.snapshot?.families ?? [];
    expect(families.find((f) => f.name === 'flexiai_requests_total')?.series).toEqual([
      { labels: ['default'], value: 10 },
    ]);
    expect(families.find((f) => f.name === 'flexiai_circuit_state')?.series).toHaveLength(3);
    // A late snapshot of a finished round, and foreign messages, are ignored.
    on(w3, { type: 'flexiai:metrics-snapshot', id: 'q1', snapshot: snapshot(1, 0) });
    on(w1, { type: 'something-else' });
    on(w1, null);
    on(w1, { type: 'flexiai:metrics-aggregate', id: 'q1', snapshot: snapshot(0, 0) });
    expect(w2.sent).toHaveLength(2);
    expect(w1.sent).toHaveLength(1);
  });

  it('a worker that does not answer within 2 s is left out; dead workers are not asked', () => {
    vi.useFakeTimers();
    const workers = [new FakeWorker(1), new FakeWorker(2), new FakeWorker(3)];
    const [w1, w2, w3] = workers as [FakeWorker, FakeWorker, FakeWorker];
    w3.dead = true;
    const primary = clusterMetricsPrimary(() => workers as unknown as Worker[]);
    primary(w1 as unknown as Worker, { type: 'flexiai:metrics-request', id: 'q2' });
    expect(w3.sent).toEqual([]);
    primary(w1 as unknown as Worker, {
      type: 'flexiai:metrics-snapshot',
      id: 'q2',
      snapshot: snapshot(4, 0),
    });
    vi.advanceTimersByTime(1_999);
    expect(w1.sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(w1.sent[1]?.snapshot?.families[0]?.series).toEqual([{ labels: ['default'], value: 4 }]);
    expect(w2.sent).toHaveLength(1);
    // The asker gone by then: nothing is sent to it.
    primary(w2 as unknown as Worker, { type: 'flexiai:metrics-request', id: 'q3' });
    w2.connected = false;
    vi.advanceTimersByTime(2_000);
    expect(w2.sent.filter((m) => m.type === 'flexiai:metrics-aggregate')).toEqual([]);
  });
});
