import type { FlexiAIConfig } from '../config/config-schema.js';
import type { CacheConfig } from '../config/cache-config-schema.js';
import { redisSyncSchema, type RedisSyncConfig } from '../config/sync-config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import { cacheMiddleware, type CacheMiddleware } from './cache-middleware.js';
import type { CacheStore } from './cache-store.js';
import { jsonEntries, type EntryStore } from './entry-store.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import type { RedisCacheStore as RedisCacheStoreClass } from './redis/redis-cache-store.js';

export interface CreateCacheDeps {
  clock: Clock;
  logger: Logger;
  /** A store of your own instead of the configured backend. */
  store?: CacheStore | undefined;
  /** Whether anything listens to `cache` events (none are built otherwise). */
  wanted?: () => boolean;
}

/** The cache middleware the `cache` section asks for; undefined when absent or disabled. */
export function createCache(
  config: Pick<FlexiAIConfig, 'cache' | 'sync'>,
  deps: CreateCacheDeps,
): CacheMiddleware | undefined {
  const cache = config.cache;
  if (!cache?.enabled) return undefined;
  const { maxValueBytes } = cache;
  const store = deps.store
    ? jsonEntries(deps.store, maxValueBytes)
    : cache.backend === 'memory'
      ? new MemoryCacheStore({
          maxEntries: cache.maxEntries,
          maxBytes: cache.maxBytes,
          maxValueBytes,
          clock: deps.clock,
        })
      : loadRedisCacheStore(redisConnectionOf(config), maxValueBytes);
  return cacheMiddleware({
    store,
    ttlMs: cache.ttlMs,
    scope: cache.scope,
    routes: cache.routes,
    providers: cache.providers,
    finishReasons: cache.finishReasons,
    coalesce: cache.coalesce,
    coalesceTimeoutMs: cache.coalesceTimeoutMs,
    clock: deps.clock,
    logger: deps.logger,
    wanted: deps.wanted,
  });
}

/** `cache.redis`, else the `sync` section's Redis, else a local Redis with the default prefix. */
function redisConnectionOf(config: Pick<FlexiAIConfig, 'cache' | 'sync'>): RedisSyncConfig {
  const own = (config.cache as CacheConfig).redis;
  if (own) return own;
  if (config.sync.backend === 'redis') return config.sync;
  return redisSyncSchema.parse({ backend: 'redis' });
}

/** The Redis store, loaded only when configured (ioredis is an optional peer dependency). */
async function loadRedisCacheStore(
  redis: RedisSyncConfig,
  maxValueBytes: number,
): Promise<EntryStore> {
  let RedisCacheStore: typeof RedisCacheStoreClass;
  try {
    ({ RedisCacheStore } = await import('./redis/index.js'));
  } catch (cause) {
    throw new ConfigurationError(
      'cache.backend is "redis" but the Redis backend could not be loaded; install it with `npm install ioredis`',
      { cause },
    );
  }
  const store = new RedisCacheStore({ redis, maxValueBytes });
  await store.ready();
  return jsonEntries(store, maxValueBytes);
}
