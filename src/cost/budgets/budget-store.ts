/**
 * Spend counters of budgets, in nano-dollars (1e-9 USD, whole numbers; a request's pico-dollar
 * cost is rounded up, so a budget never under-counts). `reserve` admits a request only when
 * spent + reserved + amount stays within the limit (and nothing is over it), holding `amount`
 * until `settle` swaps the hold for what the request really cost. Both steps are atomic per
 * counter, locally or in Redis.
 */
export interface BudgetStore {
  readonly kind: 'memory' | 'redis';
  reserve(
    key: string,
    limitNano: number,
    amountNano: number,
    ttlMs: number | undefined,
  ): Promise<ReserveResult>;
  /** `local`: the reservation was made locally (Redis was unreachable then). */
  settle(
    key: string,
    reservedNano: number,
    actualNano: number,
    ttlMs: number | undefined,
    local?: boolean,
  ): Promise<number>;
  /** True the first time it is called for `key` (a warning is given once per period). */
  firstWarning(key: string, ttlMs: number | undefined): Promise<boolean>;
  /** Spent and held, for status. */
  read(key: string): Promise<{ spentNano: number; reservedNano: number }>;
  close(): Promise<void>;
}

export interface ReserveResult {
  ok: boolean;
  spentNano: number;
  reservedNano: number;
  /** Made by this worker alone (the shared store was unreachable). */
  local?: boolean;
}

/** Counters in this process (the default, and the fallback while Redis is unreachable). */
export class MemoryBudgetStore implements BudgetStore {
  readonly kind: 'memory' | 'redis' = 'memory';
  private readonly counters = new Map<string, { spent: number; reserved: number }>();
  private readonly warned = new Set<string>();

  counter(key: string, seedSpent = 0): { spent: number; reserved: number } {
    let counter = this.counters.get(key);
    if (!counter) this.counters.set(key, (counter = { spent: seedSpent, reserved: 0 }));
    return counter;
  }

  has(key: string): boolean {
    return this.counters.has(key);
  }

  reserve(key: string, limitNano: number, amountNano: number): Promise<ReserveResult> {
    const c = this.counter(key);
    const ok = c.spent < limitNano && c.spent + c.reserved + amountNano <= limitNano;
    if (ok) c.reserved += amountNano;
    return Promise.resolve({ ok, spentNano: c.spent, reservedNano: c.reserved });
  }

  settle(key: string, reservedNano: number, actualNano: number): Promise<number> {
    const c = this.counter(key);
    c.reserved = Math.max(0, c.reserved - reservedNano);
    c.spent += actualNano;
    return Promise.resolve(c.spent);
  }

  firstWarning(key: string): Promise<boolean> {
    if (this.warned.has(key)) return Promise.resolve(false);
    this.warned.add(key);
    return Promise.resolve(true);
  }

  read(key: string): Promise<{ spentNano: number; reservedNano: number }> {
    const c = this.counters.get(key);
    return Promise.resolve({ spentNano: c?.spent ?? 0, reservedNano: c?.reserved ?? 0 });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
