/** Where cached answers live: this process (memory) or a shared Redis. */
export interface CacheStore {
  readonly backend: 'memory' | 'redis';
  /** The stored value, or undefined. Throws when the backend is unreachable. */
  get(key: string): Promise<string | undefined> | string | undefined;
  /** Stores a value for `ttlMs`. Throws when the backend is unreachable. */
  set(key: string, value: string, ttlMs: number): Promise<void> | void;
  /**
   * A short cross-process lock on a key (single-flight across workers): a release function when
   * this caller now holds it, `undefined` when another holder does. Memory stores have none.
   */
  lock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  close(): Promise<void>;
}
