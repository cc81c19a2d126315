import { describe, expect, it } from 'vitest';
import { LabelSet } from './label-set.js';
import { Counter, Histogram, histogramQuantile } from './metric-families.js';
import { mergeSnapshots } from './merge-snapshots.js';
import type { MetricsSnapshot } from './metrics-snapshot.js';
import { renderPrometheus } from './prometheus-text.js';

describe('metric families', () => {
  it('histograms count each observation in the first bucket at or above it', () => {
    const h = new Histogram('x_seconds', 'x', ['p'], [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 1, 7]) h.observe(['a'], v);
    expect(h.snapshot().series).toEqual([
      { labels: ['a'], counts: [2, 2, 1], sum: 8.65, count: 5 },
    ]);
  });

  it('estimates quantiles by interpolating inside the bucket, as histogram_quantile does', () => {
    expect(histogramQuantile([1, 2], [0, 0, 0], 0.5)).toBeUndefined();
    expect(histogramQuantile([1, 2], [0, 10, 0], 0.5)).toBe(1.5);
    expect(histogramQuantile([1, 2], [10, 0, 0], 0.99)).toBeCloseTo(0.99);
    // In +Inf: the highest finite bound.
    expect(histogramQuantile([1, 2], [0, 0, 4], 0.5)).toBe(2);
  });

  it('renders the text format with cumulative buckets and escaped label values', () => {
    const c = new Counter('c_total', 'a "help"\nline', ['l']);
    c.inc(['quote " back \\ nl \n']);
    const h = new Histogram('h_seconds', 'h', ['p'], [0.1, 1]);
    h.observe(['a'], 0.05);
    h.observe(['a'], 5);
    expect(renderPrometheus([c.snapshot(), h.snapshot()])).toBe(
      [
        '# HELP c_total a "help"\\nline',
        '# TYPE c_total counter',
        'c_total{l="quote \\" back \\\\ nl \\n"} 1',
        '# HELP h_seconds h',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{p="a",le="0.1"} 1',
        'h_seconds_bucket{p="a",le="1"} 1',
        'h_seconds_bucket{p="a",le="+Inf"} 2',
        'h_seconds_sum{p="a"} 5.05',
        'h_seconds_count{p="a"} 2',
        '',
      ].join('\n'),
    );
  });

  it('bounds a label to the configured names; others are "other"', () => {
    const known = ['a'];
    const set = new LabelSet(() => known);
    expect(set.label('a')).toBe('a');
    expect(set.label('made-up-by-a-user')).toBe('other');
    // A provider registered at run time is picked up.
    known.push('b');
    expect(set.label('b')).toBe('b');
    expect(set.label(undefined)).toBe('none');
  });

  it('merges workers: counters and histograms summed, gauges per worker', () => {
    const snap = (v: number): MetricsSnapshot => {
      const c = new Counter('c_total', 'c', ['p']);
      c.inc(['a'], v);
      const h = new Histogram('h_seconds', 'h', ['p'], [1]);
      h.observe(['a'], v);
      return {
        takenAt: v,
        startedAt: 0,
        families: [
          c.snapshot(),
          h.snapshot(),
          {
            name: 'g',
            help: 'g',
            type: 'gauge',
            labelNames: ['p'],
            series: [{ labels: ['a'], value: v }],
          },
        ],
        circuitHistory: [],
      };
    };
    const merged = mergeSnapshots([
      { worker: '1', snapshot: snap(0.5) },
      { worker: '2', snapshot: snap(3) },
    ]);
    expect(merged.families).toEqual([
      expect.objectContaining({ name: 'c_total', series: [{ labels: ['a'], value: 3.5 }] }),
      expect.objectContaining({
        name: 'h_seconds',
        series: [{ labels: ['a'], counts: [1, 1], sum: 3.5, count: 2 }],
      }),
      expect.objectContaining({
        name: 'g',
        labelNames: ['p', 'worker'],
        series: [
          { labels: ['a', '1'], value: 0.5 },
          { labels: ['a', '2'], value: 3 },
        ],
      }),
    ]);
  });
});
