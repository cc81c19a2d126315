import type { MetricFamily } from './metric-families.js';
import type { MetricsSnapshot } from './metrics-snapshot.js';

/**
 * One view over several workers' snapshots: counters and histograms are summed per label set;
 * gauges keep one series per worker, with a `worker` label added (a circuit's state is each
 * worker's own view of it, which shared Redis state keeps equal).
 */
export function mergeSnapshots(
  snapshots: readonly { worker: string; snapshot: MetricsSnapshot }[],
): MetricsSnapshot {
  const families = new Map<string, MetricFamily>();
  for (const { worker, snapshot } of snapshots) {
    for (const family of snapshot.families) {
      let merged = families.get(family.name);
      if (!merged) {
        merged =
          family.type === 'gauge'
            ? { ...family, labelNames: [...family.labelNames, 'worker'], series: [] }
            : { ...family, series: [] };
        families.set(family.name, merged);
      }
      if (merged.type === 'gauge' && family.type === 'gauge') {
        for (const s of family.series)
          merged.series.push({ labels: [...s.labels, worker], value: s.value });
      } else if (merged.type === 'counter' && family.type === 'counter') {
        for (const s of family.series) {
          const key = s.labels.join('\u001f');
          const existing = merged.series.find((m) => m.labels.join('\u001f') === key);
          if (existing) existing.value += s.value;
          else merged.series.push({ labels: s.labels, value: s.value });
        }
      } else if (merged.type === 'histogram' && family.type === 'histogram') {
        for (const s of family.series) {
          const key = s.labels.join('\u001f');
          const existing = merged.series.find((m) => m.labels.join('\u001f') === key);
          if (existing) {
            s.counts.forEach((c, i) => (existing.counts[i] = (existing.counts[i] ?? 0) + c));
            existing.sum += s.sum;
            existing.count += s.count;
          } else
            merged.series.push({
              labels: s.labels,
              counts: [...s.counts],
              sum: s.sum,
              count: s.count,
            });
        }
      }
    }
  }
  const history = snapshots
    .flatMap(({ snapshot }) => snapshot.circuitHistory)
    .sort((a, b) => a.at - b.at);
  return {
    takenAt: Math.max(0, ...snapshots.map(({ snapshot }) => snapshot.takenAt)),
    startedAt: Math.min(...snapshots.map(({ snapshot }) => snapshot.startedAt)),
    families: [...families.values()],
    circuitHistory: history.slice(-200),
  };
}
