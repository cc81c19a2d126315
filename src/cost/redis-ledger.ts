import type { Logger } from '../internal/logger.js';
import type { RedisCostStore } from '../state/redis/redis-cost-store.js';
import {
  parseLedgerEntry,
  type LedgerEntry,
  type LedgerRange,
  type LedgerRead,
  type LedgerSink,
} from './ledger-entry.js';

/**
 * The ledger in Redis, shared by every worker and host: a sorted set scored by time. Entries are
 * written in batches (one ZADD per tick); while Redis is unreachable they are kept (up to
 * `maxPending`, oldest dropped and counted) and written when it is back.
 */
export class RedisLedger implements LedgerSink {
  readonly kind = 'redis';
  private pending: { at: number; json: string }[] = [];
  private writing: Promise<void> | undefined;
  private dropped = 0;
  private failing = false;

  constructor(
    private readonly store: Pick<RedisCostStore, 'appendLedger' | 'readLedger'>,
    private readonly logger: Logger,
    private readonly maxPending = 100_000,
  ) {}

  append(entry: LedgerEntry): void {
    this.pending.push({ at: entry.at, json: JSON.stringify(entry) });
    if (this.pending.length > this.maxPending) {
      this.dropped += this.pending.length - this.maxPending;
      this.pending = this.pending.slice(-this.maxPending);
    }
    this.writing ??= Promise.resolve().then(() => this.write());
  }

  async read(range: LedgerRange): Promise<LedgerRead> {
    await this.flush();
    const raw = await this.store.readLedger(range.since, range.until);
    const entries: LedgerEntry[] = [];
    let skipped = 0;
    for (const text of raw) {
      const entry = parseLedgerEntry(text);
      if (entry) entries.push(entry);
      else skipped += 1;
    }
    return { entries, skipped, dropped: this.dropped };
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async write(): Promise<void> {
    try {
      while (this.pending.length) {
        const batch = this.pending.slice(0, 500);
        await this.store.appendLedger(batch);
        this.pending = this.pending.slice(batch.length);
        if (this.failing) {
          this.failing = false;
          this.logger.info('cost ledger: Redis is back; pending entries written');
        }
      }
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(
          {
            err: error instanceof Error ? error.message : String(error),
            pending: this.pending.length,
          },
          'cost ledger: Redis unreachable; entries kept in memory until it is back',
        );
      }
    } finally {
      this.writing = undefined;
    }
  }
}
