import { decodeEntry, encodeEntry, type CacheEntry } from './cache-entry.js';
import type { CacheStore } from './cache-store.js';

/** A read: the entry, nothing stored, or a stored value that is unreadable or of another format. */
export type EntryRead = CacheEntry | 'corrupt' | undefined;

/** A write: stored (`undefined`), or not stored for its size (in bytes). */
export type EntryWrite = { oversized: number } | undefined;

/**
 * What the cache middleware reads and writes: whole entries. The built-in memory store keeps them
 * as objects (no serialization on a miss or a hit); any string store (Redis, a store of your own)
 * is adapted by `jsonEntries`. Either may throw (or reject) when its backend is unreachable.
 */
export interface EntryStore {
  readonly backend: 'memory' | 'redis';
  /**
   * Keys stay in this process (memory): a short request is keyed by its key material itself,
   * compared whole, with no hash to compute. Otherwise every key is a SHA-256 (see `cacheKey`).
   */
  readonly exactKeys?: boolean;
  get(key: string): EntryRead | Promise<EntryRead>;
  set(key: string, entry: CacheEntry, ttlMs: number): EntryWrite | Promise<EntryWrite>;
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  close(): Promise<void>;
}

/** A string store's entries as JSON; values over `maxValueBytes` (UTF-8) are not stored. */
export function jsonEntries(store: CacheStore, maxValueBytes: number): EntryStore {
  const decode = (raw: string | undefined): EntryRead =>
    raw === undefined || raw === null ? undefined : (decodeEntry(raw) ?? 'corrupt');
  const adapted: EntryStore = {
    backend: store.backend,
    get(key) {
      const raw = store.get(key);
      return raw instanceof Promise ? raw.then(decode) : decode(raw);
    },
    set(key, entry, ttlMs) {
      const value = encodeEntry(entry);
      // UTF-8 takes at most 3 bytes per UTF-16 unit: measure only when it could be over.
      if (value.length > maxValueBytes || value.length * 3 > maxValueBytes) {
        const bytes = Buffer.byteLength(value);
        if (bytes > maxValueBytes) return { oversized: bytes };
      }
      const written = store.set(key, value, ttlMs);
      return written instanceof Promise ? written.then(() => undefined) : undefined;
    },
    close: () => store.close(),
  };
  const lock = store.lock;
  if (lock) adapted.lock = (key, ttlMs) => lock.call(store, key, ttlMs);
  return adapted;
}
