import { randomBytes } from 'node:crypto';
import type { RedisSyncConfig } from '../../config/sync-config-schema.js';
import { redactSecrets } from '../../internal/redact.js';
import { createRedisClient, type RedisClient } from '../../state/redis/create-redis-client.js';
import { createWorkerId } from '../../state/worker-id.js';
import type { CacheStore } from '../cache-store.js';

/** Deletes the lock only while it still holds this caller's token (KEYS[1]; ARGV[1] the token). */
const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisCacheStoreOptions {
  /** The connection (a validated Redis `sync`-style section; `keyPrefix` prefixes every key). */
  redis: RedisSyncConfig;
  /** Stored values larger than this are ignored when read (a miss). */
  maxValueBytes: number;
}

interface LockCommands {
  flexiaiCacheRelease(key: string, token: string): Promise<number>;
}

/**
 * Cached answers in Redis, shared by every worker: values with a TTL in Redis (`SET PX`), and a
 * short lock per key (`SET NX PX`, released only by its holder) for single-flight across workers.
 * Commands never queue while disconnected and never outlive the command timeout, so a Redis that
 * is down or frozen costs a request one fast failure (served as a miss), never a wait.
 */
export class RedisCacheStore implements CacheStore {
  readonly backend = 'redis' as const;
  private readonly client: RedisClient & LockCommands;
  private readonly prefix: string;
  private readonly secrets: string[];
  private readonly connecting: Promise<void>;

  constructor(private readonly options: RedisCacheStoreOptions) {
    const { redis } = options;
    this.prefix = `${redis.keyPrefix}cache:`;
    this.secrets = [redis.password?.reveal(), redis.sentinelPassword?.reveal()].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const client = createRedisClient(redis, 'command', `cache-${createWorkerId()}`);
    client.defineCommand('flexiaiCacheRelease', { numberOfKeys: 1, lua: RELEASE_LOCK_LUA });
    // Faults are reported by the cache as they hit requests (logged once); not here as well.
    client.on('error', () => undefined);
    this.client = client as RedisClient & LockCommands;
    this.connecting = this.client.connect().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Resolves once the first connection attempt ended, either way (never rejects). */
  ready(): Promise<void> {
    return this.connecting;
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.run(() => this.client.get(this.prefix + key));
    if (value === null) return undefined;
    return value.length > this.options.maxValueBytes ? undefined : value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.run(() => this.client.set(this.prefix + key, value, 'PX', Math.ceil(ttlMs)));
  }

  async lock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const lockKey = `${this.prefix}lock:${key}`;
    const token = randomBytes(12).toString('base64url');
    const won = await this.run(() => this.client.set(lockKey, token, 'PX', Math.ceil(ttlMs), 'NX'));
    if (won !== 'OK') return undefined;
    return async () => {
      await this.run(() => this.client.flexiaiCacheRelease(lockKey, token));
    };
  }

  async close(): Promise<void> {
    if (this.client.status === 'ready') {
      await Promise.race([
        this.client.quit().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 500).unref()),
      ]);
    }
    this.client.disconnect();
  }

  /** Runs a command; a failure is rethrown with any credential removed from its message. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Redis cache: ${redactSecrets(message, this.secrets).slice(0, 200)}`);
    }
  }
}
