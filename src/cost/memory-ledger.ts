import { DEFAULT_MEMORY_LEDGER_ENTRIES } from '../config/cost-config-schema.js';
import {
  inRange,
  type LedgerEntry,
  type LedgerRange,
  type LedgerRead,
  type LedgerSink,
} from './ledger-entry.js';

/**
 * The default ledger: this process only, the newest `maxEntries` entries in a ring (the oldest is
 * overwritten and counted as dropped). Its memory is bounded from the first append: a gateway's
 * heap stays flat however long it runs. Reports over longer spans need the `file` or `redis` ledger.
 */
export class MemoryLedger implements LedgerSink {
  readonly kind = 'memory';
  private readonly ring: (LedgerEntry | undefined)[] = [];
  /** Where the next entry goes once the ring is full. */
  private next = 0;
  private dropped = 0;

  constructor(private readonly maxEntries = DEFAULT_MEMORY_LEDGER_ENTRIES) {}

  append(entry: LedgerEntry): void {
    if (this.ring.length < this.maxEntries) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.maxEntries;
    this.dropped += 1;
  }

  read(range: LedgerRange): Promise<LedgerRead> {
    // Oldest first: the ring from `next` on, then its start.
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return Promise.resolve({
      entries: ordered.filter((e): e is LedgerEntry => e !== undefined && inRange(e.at, range)),
      skipped: 0,
      dropped: this.dropped,
    });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
