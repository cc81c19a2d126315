/** Latency samples in microseconds, summarised. */
export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), mean };
}

/** Times one async operation in microseconds. */
export async function timeUs(operation: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await operation();
  return Number(process.hrtime.bigint() - start) / 1_000;
}

/**
 * Runs several variants in interleaved blocks (so drift and GC hit them alike) and returns each
 * variant's samples in microseconds.
 */
export function interleave(
  variants: Record<string, () => Promise<unknown>>,
  options: InterleaveOptions,
): Promise<Record<string, number[]>> {
  return interleaveMeasured(
    Object.fromEntries(Object.entries(variants).map(([name, run]) => [name, () => timeUs(run)])),
    options,
  );
}

export interface InterleaveOptions {
  /** Untimed runs of each variant first (JIT, connection pools). */
  warmup: number;
  iterations: number;
  /** Runs of one variant before switching to the next. */
  block: number;
  /**
   * When given, filled with each variant's mean CPU time per run in µs (this process, user +
   * system, measured per block): the cost that waiting on the upstream does not hide.
   */
  cpuUs?: Record<string, number>;
}

/**
 * Like `interleave`, for variants that measure themselves (e.g. time to the first token of a
 * stream): each run returns its own sample.
 */
export async function interleaveMeasured(
  variants: Record<string, () => Promise<number>>,
  options: InterleaveOptions,
): Promise<Record<string, number[]>> {
  const names = Object.keys(variants);
  for (const name of names) {
    const run = variants[name] as () => Promise<number>;
    for (let i = 0; i < options.warmup; i += 1) await run();
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  for (let done = 0; done < options.iterations; done += options.block) {
    for (const name of names) {
      const run = variants[name] as () => Promise<number>;
      const into = samples[name] as number[];
      const before = process.cpuUsage();
      for (let i = 0; i < options.block; i += 1) into.push(await run());
      const used = process.cpuUsage(before);
      cpu[name] = (cpu[name] ?? 0) + used.user + used.system;
    }
  }
  if (options.cpuUs) {
    for (const name of names) {
      options.cpuUs[name] = (cpu[name] ?? 0) / Math.max(1, samples[name]?.length ?? 0);
    }
  }
  return samples;
}

export const fmt = (us: number): string =>
  us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;

/**
 * The shift of `variant` over `base` from samples taken by `interleave` (same block size): per
 * round, the median of the variant's block minus the median of the base's block run next to it;
 * then the median of those differences. Drift between rounds (the machine getting busier or
 * quieter) cancels out, which a difference of two whole-run percentiles does not do.
 */
export function pairedShift(
  variant: readonly number[],
  base: readonly number[],
  block: number,
): number {
  const median = (xs: number[]): number => summarize(xs).p50;
  const rounds = Math.min(variant.length, base.length) / block;
  const shifts: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const from = r * block;
    shifts.push(median(variant.slice(from, from + block)) - median(base.slice(from, from + block)));
  }
  return median(shifts);
}
