import { z } from 'zod';

/** What a budget counts: every request, or those of one gateway key, route or provider. */
export const budgetScopeSchema = z.union([
  z.literal('global'),
  z.strictObject({ global: z.literal(true) }).transform(() => 'global' as const),
  /** A gateway key, by its configured name (or, for an unnamed key, its `key-…` id). */
  z.strictObject({ key: z.string().min(1) }),
  /** Requests that ask for this route (`model`), or `default`. */
  z.strictObject({ route: z.string().min(1) }),
  /** Spend on this provider; requests that may reach it are refused once it is used up. */
  z.strictObject({ provider: z.string().min(1) }),
]);

export const budgetSchema = z.strictObject({
  name: z.string().min(1),
  limitUsd: z.number().finite().positive('must be more than 0'),
  /** `day` and `month` reset at UTC midnight / the first of the month; `total` never resets. */
  period: z.enum(['day', 'month', 'total']).default('month'),
  scope: budgetScopeSchema.default('global'),
  /** Fraction of the limit at which a `budget` warning event and log line are given, once per period. */
  warnAt: z.number().gt(0).max(1).default(0.8),
  /**
   * Output tokens held for a request that sets no `maxTokens` (its prompt is always held). 0 by
   * default: such a request may then overspend by its output (see docs/cost.md, overspend bound).
   */
  holdOutputTokens: z.number().int().nonnegative().default(0),
});

/** Entries the memory ledger keeps by default: about 5 MB of heap (an entry is about 0.5 kB). */
export const DEFAULT_MEMORY_LEDGER_ENTRIES = 10_000;

/** Where every billed attempt is recorded (see docs/cost.md). */
export const ledgerSchema = z
  .strictObject({
    /** `memory` (bounded, this process), `file` (append-only JSONL) or `redis` (shared; needs `sync.backend: redis`). */
    backend: z.enum(['memory', 'file', 'redis']).default('memory'),
    /** The JSONL file (backend `file`). */
    path: z.string().min(1).optional(),
    /** Entries kept by the memory backend (oldest dropped first). */
    maxEntries: z.number().int().positive().default(DEFAULT_MEMORY_LEDGER_ENTRIES),
  })
  .superRefine((ledger, ctx) => {
    if (ledger.backend === 'file' && !ledger.path) {
      ctx.addIssue({
        code: 'custom',
        message: 'is required when backend is "file"',
        path: ['path'],
      });
    }
  });

export type BudgetConfig = z.output<typeof budgetSchema>;
export type BudgetScope = BudgetConfig['scope'];
export type LedgerConfig = z.output<typeof ledgerSchema>;
