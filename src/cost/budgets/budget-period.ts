import type { BudgetConfig } from '../../config/cost-config-schema.js';

/** The current period of a budget: its id in storage keys and when it ends (UTC). */
export interface BudgetPeriod {
  /** `2026-12-01` (day), `2026-12` (month) or `total`. */
  id: string;
  /** Epoch ms of the period's end; undefined for `total`. */
  resetAt: number | undefined;
}

export function budgetPeriod(period: BudgetConfig['period'], now: number): BudgetPeriod {
  const date = new Date(now);
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  switch (period) {
    case 'day':
      return {
        id: date.toISOString().slice(0, 10),
        resetAt: Date.UTC(y, m, date.getUTCDate() + 1),
      };
    case 'month':
      return { id: date.toISOString().slice(0, 7), resetAt: Date.UTC(y, m + 1, 1) };
    case 'total':
      return { id: 'total', resetAt: undefined };
  }
}

/** How long a period's counters are kept: a day past its end (total: forever). */
export const periodTtlMs = (period: BudgetPeriod, now: number): number | undefined =>
  period.resetAt === undefined ? undefined : period.resetAt - now + 86_400_000;
