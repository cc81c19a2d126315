import { LRUCache } from 'lru-cache';
import type { Clock } from '../internal/clock.js';
import type { CacheEntry, StoredAnswer } from './cache-entry.js';
import type { EntryRead, EntryStore, EntryWrite } from './entry-store.js';

export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes of answers kept (the approximate size of each as JSON, plus its key). */
  maxBytes: number;
  /** Larger answers are not stored. */
  maxValueBytes: number;
  /** Time source of expiry (the client's clock). */
  clock: Clock;
}

/** What an entry's JSON would take besides its strings: field names, numbers, quotes. */
const ENTRY_OVERHEAD = 240;
const TOOL_CALL_OVERHEAD = 60;

/**
 * An entry's size as the store counts it: its strings' lengths plus a fixed overhead, about the
 * length of its JSON form (what a Redis store would hold), without making that JSON.
 */
export function approximateSize(answer: StoredAnswer): number {
  let size = ENTRY_OVERHEAD + answer.id.length + answer.model.length + answer.provider.length;
  if (answer.content !== null) size += answer.content.length;
  if (answer.requestId !== undefined) size += answer.requestId.length;
  if (answer.toolCalls) {
    for (const call of answer.toolCalls) {
      size += TOOL_CALL_OVERHEAD + call.id.length + call.function.name.length;
      size += call.function.arguments.length;
    }
  }
  if (answer.providerMetadata) size += jsonLength(answer.providerMetadata);
  return size;
}

/**
 * About the length of a JSON-like value's JSON (strings unescaped, numbers and booleans as their
 * text), without making it: provider metadata is a few small fields, and JSON.stringify would
 * cost more than the rest of a store.
 */
function jsonLength(value: unknown): number {
  if (typeof value === 'string') return value.length + 2;
  if (value === null || typeof value !== 'object') return String(value).length;
  let length = 2;
  if (Array.isArray(value)) {
    for (const item of value) length += jsonLength(item) + 1;
    return length;
  }
  for (const key in value) {
    length += key.length + 4 + jsonLength((value as Record<string, unknown>)[key]);
  }
  return length;
}

/**
 * An in-process LRU of entries, kept as objects (a miss stores one without serializing, a hit reads
 * it without parsing), bounded by entries and by approximate bytes. Expiry is the entry's own
 * `exp` on the client's clock: a stale entry is dropped when read, or evicted as least recent.
 */
export class MemoryCacheStore implements EntryStore {
  readonly backend = 'memory' as const;
  readonly exactKeys = true;
  private readonly lru: LRUCache<string, CacheEntry>;

  constructor(private readonly options: MemoryCacheStoreOptions) {
    this.lru = new LRUCache<string, CacheEntry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry, key) => approximateSize(entry.answer) + key.length,
    });
  }

  get size(): number {
    return this.lru.size;
  }

  get(key: string): EntryRead {
    const entry = this.lru.get(key);
    if (entry && entry.exp <= this.options.clock.now()) {
      this.lru.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, entry: CacheEntry): EntryWrite {
    const size = approximateSize(entry.answer);
    if (size > this.options.maxValueBytes) return { oversized: size };
    // The key counts too: a short request is its own key (see EXACT_KEY_MAX_CHARS).
    this.lru.set(key, entry, { size: size + key.length });
    return undefined;
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
