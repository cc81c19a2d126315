import type { Logger } from '../../internal/logger.js';
import type { RedisCostStore } from '../../state/redis/redis-cost-store.js';
import { MemoryBudgetStore, type BudgetStore, type ReserveResult } from './budget-store.js';

/**
 * Budget counters shared by every worker through Redis (atomic Lua reserve and settle). While
 * Redis is unreachable each worker enforces the budget on its own, from the last spend it saw, and
 * logs the gap once per outage (other workers' spend is not seen, so the total may pass the limit
 * by what the others spend meanwhile); what it spent locally is added to Redis when it is back.
 */
export class SharedBudgetStore implements BudgetStore {
  readonly kind = 'redis';
  private readonly local = new MemoryBudgetStore();
  private readonly lastSpent = new Map<string, number>();
  /** Spend settled locally during an outage (and holds to release), still to be sent to Redis. */
  private readonly unsynced = new Map<string, { release: number; spent: number }>();
  private degraded = false;

  constructor(
    private readonly redis: Pick<
      RedisCostStore,
      'reserve' | 'settle' | 'firstWarning' | 'read' | 'close'
    >,
    private readonly logger: Logger,
  ) {}

  async reserve(
    key: string,
    limitNano: number,
    amountNano: number,
    ttlMs: number | undefined,
  ): Promise<ReserveResult> {
    try {
      await this.resync();
      const result = await this.redis.reserve(key, limitNano, amountNano, ttlMs);
      this.lastSpent.set(key, result.spentNano);
      this.recovered();
      return result;
    } catch (error) {
      this.degrade(error);
      this.local.counter(key, this.lastSpent.get(key) ?? 0);
      return { ...(await this.local.reserve(key, limitNano, amountNano)), local: true };
    }
  }

  async settle(
    key: string,
    reservedNano: number,
    actualNano: number,
    ttlMs: number | undefined,
    local = false,
  ): Promise<number> {
    if (local) return this.settleLocally(key, reservedNano, 0, actualNano);
    try {
      const spent = await this.redis.settle(key, reservedNano, actualNano, ttlMs);
      this.lastSpent.set(key, spent);
      return spent;
    } catch (error) {
      this.degrade(error);
      // The hold stays in Redis until this worker can release it (the budget errs on refusing).
      return this.settleLocally(key, 0, reservedNano, actualNano);
    }
  }

  async firstWarning(key: string, ttlMs: number | undefined): Promise<boolean> {
    try {
      return await this.redis.firstWarning(key, ttlMs);
    } catch {
      return this.local.firstWarning(key);
    }
  }

  async read(key: string): Promise<{ spentNano: number; reservedNano: number }> {
    try {
      return await this.redis.read(key);
    } catch {
      return this.local.read(key);
    }
  }

  close(): Promise<void> {
    return this.redis.close();
  }

  private async settleLocally(
    key: string,
    localHold: number,
    sharedHold: number,
    actualNano: number,
  ): Promise<number> {
    this.local.counter(key, this.lastSpent.get(key) ?? 0);
    const owed = this.unsynced.get(key) ?? { release: 0, spent: 0 };
    this.unsynced.set(key, { release: owed.release + sharedHold, spent: owed.spent + actualNano });
    return this.local.settle(key, localHold, actualNano);
  }

  private async resync(): Promise<void> {
    if (this.unsynced.size === 0) return;
    for (const [key, owed] of [...this.unsynced]) {
      await this.redis.settle(key, owed.release, owed.spent, undefined);
      this.unsynced.delete(key);
      this.logger.info(
        { budgetKey: key, syncedUsd: owed.spent / 1e9 },
        'budget: spend counted locally during the Redis outage added to the shared counter',
      );
    }
  }

  private degrade(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.error(
      { err: error instanceof Error ? error.message : String(error) },
      'budget: Redis unreachable; budgets are enforced by this worker alone until it is back (gap: spend by other workers is not seen meanwhile)',
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.info('budget: Redis is back; budgets are shared again');
  }
}
