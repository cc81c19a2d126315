import { z } from 'zod';

const count = z.number().int().nonnegative();

/** One billed upstream call, as every ledger backend stores it (one JSON object per entry). */
export const ledgerEntrySchema = z.object({
  /** Epoch ms when the call settled. */
  at: z.number().int().nonnegative(),
  requestId: z.string().min(1),
  /** Index of the call among its request's attempts. */
  attempt: count,
  operation: z.enum(['chat', 'stream', 'embed']),
  provider: z.string().min(1),
  model: z.string().min(1),
  route: z.string().min(1),
  /** The gateway key's id (its configured name, or `key-` and a hash); never the key. */
  key: z.string().min(1).optional(),
  ok: z.boolean(),
  usage: z
    .object({
      promptTokens: count,
      completionTokens: count,
      cachedPromptTokens: count.optional(),
      cacheWriteTokens: count.optional(),
      reasoningTokens: count.optional(),
    })
    .optional(),
  /** Cost in pico-dollars (1e-12 USD), an exact integer; absent when the model has no known price. */
  costPico: z.number().int().nonnegative().optional(),
  /** The cost was estimated from the output received (a stream cut or aborted after output began). */
  estimated: z.boolean().optional(),
});

export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** What to read back from a ledger. */
export interface LedgerRange {
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
}

/** Where ledger entries go, and where reports read them from. */
export interface LedgerSink {
  readonly kind: 'memory' | 'file' | 'redis';
  append(entry: LedgerEntry): void;
  read(range: LedgerRange): Promise<LedgerRead>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface LedgerRead {
  entries: LedgerEntry[];
  /** Lines or records that could not be read (corrupt JSON, wrong shape): skipped, counted. */
  skipped: number;
  /** Entries dropped for space (memory backend) before this read. */
  dropped: number;
}

export const inRange = (at: number, range: LedgerRange): boolean =>
  (range.since === undefined || at >= range.since) &&
  (range.until === undefined || at < range.until);

/** Parses one stored entry; undefined when it is corrupt. */
export function parseLedgerEntry(text: string): LedgerEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ledgerEntrySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
