import type { Parameters as FcParameters } from 'fast-check';

/**
 * Fuzz runs: a fixed seed and bounded runs in CI (the whole suite stays under ~20 s on a busy
 * 2-core machine); a longer or different run locally with
 *   FUZZ_RUNS=5000 FUZZ_SEED=$RANDOM npx vitest run test/fuzz
 * A failure prints the seed and the shrunk counterexample; rerun with that FUZZ_SEED to replay it.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 18);
const scale = Number(process.env.FUZZ_RUNS ?? 0);

/** The runs of one property: `ci` by default, FUZZ_RUNS when set. */
export function fuzzParams<T>(ci: number): FcParameters<T> {
  return { seed: FUZZ_SEED, numRuns: scale > 0 ? scale : ci, endOnFailure: true };
}

/** Per-test timeout: generous for a long local run. */
export const fuzzTimeout = (ciMs: number): number =>
  scale > 0 ? Math.max(ciMs, scale * 200) : ciMs;
