import { LRUCache } from 'lru-cache';
import type { Clock } from '../internal/clock.js';
import type { CacheStore } from './cache-store.js';

export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes of stored answers kept (their serialized length). */
  maxBytes: number;
  /** Time source of expiry (the client's clock). */
  clock: Clock;
}

/** An in-process LRU bounded by entries and bytes, with per-entry TTLs on the client's clock. */
export class MemoryCacheStore implements CacheStore {
  readonly backend = 'memory' as const;
  private readonly lru: LRUCache<string, string>;

  constructor(options: MemoryCacheStoreOptions) {
    const { clock } = options;
    this.lru = new LRUCache<string, string>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // The cache checks each value against maxValueBytes (<= maxBytes) before storing it.
      sizeCalculation: (value) => Math.max(1, value.length),
      perf: { now: () => clock.now() },
      ttlAutopurge: false,
      ttlResolution: 0,
      // Without this, an expired entry would also count as recently checked on every get.
      updateAgeOnGet: false,
    });
  }

  get size(): number {
    return this.lru.size;
  }

  get(key: string): string | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: string, ttlMs: number): void {
    this.lru.set(key, value, { ttl: ttlMs });
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
