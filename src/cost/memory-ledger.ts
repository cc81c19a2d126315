import {
  inRange,
  type LedgerEntry,
  type LedgerRange,
  type LedgerRead,
  type LedgerSink,
} from './ledger-entry.js';

/** The default ledger: this process only, the newest `maxEntries` entries (older ones dropped and counted). */
export class MemoryLedger implements LedgerSink {
  readonly kind = 'memory';
  private entries: LedgerEntry[] = [];
  private dropped = 0;

  constructor(private readonly maxEntries = 100_000) {}

  append(entry: LedgerEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries * 1.1) {
      const excess = this.entries.length - this.maxEntries;
      this.entries = this.entries.slice(excess);
      this.dropped += excess;
    }
  }

  read(range: LedgerRange): Promise<LedgerRead> {
    const kept = this.entries.slice(-this.maxEntries);
    const dropped = this.dropped + (this.entries.length - kept.length);
    return Promise.resolve({
      entries: kept.filter((e) => inRange(e.at, range)),
      skipped: 0,
      dropped,
    });
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
