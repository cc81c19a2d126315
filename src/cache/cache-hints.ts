/** The three answers a caller can be told: served from the cache, fetched, or cache skipped. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/**
 * The `RequestOptions.metadata` entry through which a caller (the gateway) learns how the cache
 * treated its request, before the answer or the stream's first chunk is handed over.
 */
export const CACHE_HINT_KEY = 'flexiai.cache';

export interface CacheHint {
  /** Skip the cache for this request (as the request's own `cache: false` does). */
  bypass?: boolean;
  /** Called once, with the outcome, as soon as it is known. */
  onOutcome?(outcome: CacheOutcome): void;
}

export const cacheHintOf = (metadata: Record<string, unknown>): CacheHint | undefined => {
  const hint = metadata[CACHE_HINT_KEY];
  return hint !== null && typeof hint === 'object' ? (hint as CacheHint) : undefined;
};
