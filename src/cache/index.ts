export {
  cacheKey,
  CACHE_KEY_VERSION,
  EXACT_KEY_MAX_CHARS,
  hashedKey,
  keyMaterial,
} from './cache-key.js';
export { CACHE_ENTRY_VERSION } from './cache-entry.js';
export { CACHE_HINT_KEY, type CacheHint, type CacheOutcome } from './cache-hints.js';
export {
  cacheMiddleware,
  type CacheMiddleware,
  type CacheMiddlewareOptions,
  type CacheStats,
} from './cache-middleware.js';
export type { CacheStore } from './cache-store.js';
export { jsonEntries, type EntryRead, type EntryStore, type EntryWrite } from './entry-store.js';
export { createCache } from './create-cache.js';
export { MemoryCacheStore, type MemoryCacheStoreOptions } from './memory-cache-store.js';
