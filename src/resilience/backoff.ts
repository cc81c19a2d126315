export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniform delay in [0, min(max, initial x 2^(retry-1))]. Full jitter spreads concurrent
 * retries across the whole window, so a burst of failures does not come back as a burst.
 * `retry` counts from 1.
 */
export function fullJitterBackoff(retry: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(
    options.maxDelayMs,
    options.initialDelayMs * 2 ** Math.max(0, retry - 1),
  );
  return Math.floor(random() * ceiling);
}
