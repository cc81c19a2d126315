import { z } from 'zod';
import { redisSyncSchema } from './sync-config-schema.js';

const ms = () => z.number().int().positive();

/** Finish reasons whose answers may be stored; `length` and `content_filter` only when listed. */
export const cacheableFinishSchema = z.enum(['stop', 'tool_calls', 'length', 'content_filter']);

/**
 * The Redis connection of the cache: the same fields as a `sync` section with `backend: redis`
 * (url, password, tls, sentinels, cluster, keyPrefix, timeouts). When absent, the cache uses the
 * `sync` section's connection if that is Redis, else `redis://127.0.0.1:6379`.
 */
export const cacheRedisSchema = z.preprocess(
  (value) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>), backend: 'redis' }
      : value,
  redisSyncSchema,
);

/** `cache`: exact-match response cache (off unless this section is given). */
export const cacheConfigSchema = z
  .strictObject({
    /** On by default once the section is written; `false` keeps the settings but turns it off. */
    enabled: z.boolean().default(true),
    /** `memory` (this process, an LRU bounded by entries and bytes) or `redis` (shared by workers). */
    backend: z.enum(['memory', 'redis']).default('memory'),
    /** How long an answer is served from the cache; a request's `cache: { ttlMs }` overrides it. */
    ttlMs: ms().default(300_000),
    /**
     * `key` (default): entries are keyed by the gateway key id too, so two keys never share one,
     * and requests carrying `user` are never cached. `global`: one cache for every caller.
     */
    scope: z.enum(['key', 'global']).default('key'),
    /** Routes (a request's `model`, or `default`) the cache applies to; every route when absent. */
    routes: z.array(z.string().min(1)).min(1).optional(),
    /** Only answers served by these providers are stored; every provider when absent. */
    providers: z.array(z.string().min(1)).min(1).optional(),
    /** Answers with these finish reasons are stored (`error` never is). */
    finishReasons: z.array(cacheableFinishSchema).min(1).default(['stop', 'tool_calls']),
    /** Memory backend: most entries kept (least recently used go first). */
    maxEntries: z.number().int().positive().default(10_000),
    /** Memory backend: most bytes of stored answers (and their keys) kept. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    /** An answer larger than this (serialized) is not stored. */
    maxValueBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Identical concurrent requests on a cold key make one upstream call and share its answer. */
    coalesce: z.boolean().default(true),
    /**
     * Most time a request waits for an identical one already in flight (in this process, or with
     * Redis in another worker) before making its own call: a stuck leader never blocks followers.
     * Also the lifetime of the Redis lock a leader holds.
     */
    coalesceTimeoutMs: ms().default(30_000),
    /** Redis connection of the `redis` backend (see above). */
    redis: cacheRedisSchema.optional(),
  })
  .superRefine((cache, ctx) => {
    if (cache.maxValueBytes > cache.maxBytes) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed cache.maxBytes',
        path: ['maxValueBytes'],
      });
    }
  });

export type CacheConfigInput = z.input<typeof cacheConfigSchema>;
export type CacheConfig = z.output<typeof cacheConfigSchema>;
