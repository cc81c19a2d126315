import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  type WriteStream,
} from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Logger } from '../internal/logger.js';
import {
  inRange,
  parseLedgerEntry,
  type LedgerEntry,
  type LedgerRange,
  type LedgerRead,
  type LedgerSink,
} from './ledger-entry.js';

/**
 * An append-only JSONL ledger: one entry per line, written in order, never rewritten. Opening
 * checks at once that the file can be appended to (a clear ConfigurationError at startup, not a
 * silent loss later). Reading skips and counts lines that are not entries (a torn last line, a
 * hand edit): a corrupt line is never fatal. Each line is one write under 4 KiB with O_APPEND, so
 * several processes may share a file on a local disk; Redis is the backend made for sharing.
 */
export class FileLedger implements LedgerSink {
  readonly kind = 'file';
  private readonly out: WriteStream;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly logger?: Logger,
  ) {
    try {
      closeSync(openSync(path, 'a'));
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? 'error';
      throw new ConfigurationError(`ledger.path: cannot append to "${path}" (${code})`, { cause });
    }
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', (error) => {
      if (!this.failed)
        this.logger?.error(
          { err: error.message, path },
          'cost ledger: cannot write the ledger file',
        );
      this.failed = true;
    });
  }

  static read(path: string, range: LedgerRange = {}): Promise<LedgerRead> {
    return readJsonl(path, range);
  }

  append(entry: LedgerEntry): void {
    this.out.write(`${JSON.stringify(entry)}\n`);
  }

  async read(range: LedgerRange): Promise<LedgerRead> {
    await this.flush();
    return readJsonl(this.path, range);
  }

  flush(): Promise<void> {
    if (this.out.writableLength === 0 || this.out.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.out.destroyed || this.out.writableEnded) return resolve();
      this.out.end(() => resolve());
    });
  }
}

async function readJsonl(path: string, range: LedgerRange): Promise<LedgerRead> {
  const entries: LedgerEntry[] = [];
  let skipped = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const entry = parseLedgerEntry(line);
    if (!entry) skipped += 1;
    else if (inRange(entry.at, range)) entries.push(entry);
  }
  return { entries, skipped, dropped: 0 };
}
