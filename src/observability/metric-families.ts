/** One labelled series of a counter or gauge. Label values line up with the family's `labelNames`. */
export interface ValueSeries {
  labels: readonly string[];
  value: number;
}

/** One labelled series of a histogram: per-bucket counts (not cumulative), then the sum and count. */
export interface HistogramSeries {
  labels: readonly string[];
  /** `counts[i]` observations fell at or under `buckets[i]` and over `buckets[i - 1]`; the last is `+Inf`. */
  counts: number[];
  sum: number;
  count: number;
}

export interface ValueFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labelNames: readonly string[];
  series: ValueSeries[];
}

export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  labelNames: readonly string[];
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
  series: HistogramSeries[];
}

export type MetricFamily = ValueFamily | HistogramFamily;

const SEP = '\u001f';

/** A counter family kept as a map from the joined label values to its series. */
export class Counter {
  private readonly series = new Map<string, ValueSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  inc(labels: readonly string[], by = 1): void {
    const key = labels.join(SEP);
    const series = this.series.get(key);
    if (series) series.value += by;
    else this.series.set(key, { labels, value: by });
  }

  snapshot(): ValueFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      labelNames: this.labelNames,
      series: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value })),
    };
  }
}

/** A histogram family with fixed buckets (never means): one count array per label set. */
export class Histogram {
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  observe(labels: readonly string[], value: number): void {
    const key = labels.join(SEP);
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels,
        counts: new Array<number>(this.buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    const { buckets } = this;
    let i = 0;
    while (i < buckets.length && value > buckets[i]!) i += 1;
    series.counts[i]! += 1;
    series.sum += value;
    series.count += 1;
  }

  snapshot(): HistogramFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'histogram',
      labelNames: this.labelNames,
      buckets: this.buckets,
      series: [...this.series.values()].map((s) => ({
        labels: s.labels,
        counts: [...s.counts],
        sum: s.sum,
        count: s.count,
      })),
    };
  }
}

/** Seconds: from 5 ms to 2 minutes, covering a cached answer to a long generation. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/**
 * The value under which `q` (0..1) of the observations fell, interpolated linearly inside its
 * bucket as Prometheus' `histogram_quantile` does; `undefined` with no observations. An answer in
 * the `+Inf` bucket is reported as the highest finite bound.
 */
export function histogramQuantile(
  buckets: readonly number[],
  counts: readonly number[],
  q: number,
): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i += 1) {
    const count = counts[i]!;
    if (seen + count >= rank && count > 0) {
      if (i >= buckets.length) return buckets[buckets.length - 1];
      const lower = i === 0 ? 0 : buckets[i - 1]!;
      const upper = buckets[i]!;
      return lower + ((upper - lower) * (rank - seen)) / count;
    }
    seen += count;
  }
  return buckets[buckets.length - 1];
}
