import type { RequestEvent } from '../client/event-types.js';
import type { ChatMiddleware } from '../client/middleware/chat-middleware.js';
import type { FlexiAIConfig } from '../config/config-schema.js';
import type { RedisSyncConfig } from '../config/sync-config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Logger } from '../internal/logger.js';
import type { RedisCostStore } from '../state/redis/redis-cost-store.js';
import { BudgetGuard } from './budgets/budget-guard.js';
import { MemoryBudgetStore, type BudgetStore } from './budgets/budget-store.js';
import { SharedBudgetStore } from './budgets/shared-budget-store.js';
import { CostTracker, type RouteTarget } from './cost-tracker.js';
import { FileLedger } from './file-ledger.js';
import type { LedgerSink } from './ledger-entry.js';
import { MemoryLedger } from './memory-ledger.js';
import { RedisLedger } from './redis-ledger.js';

/** The Redis connection cost tracking uses (created by `loadRedisCostStore`). */
export type CostRedisStore = Pick<
  RedisCostStore,
  'reserve' | 'settle' | 'firstWarning' | 'read' | 'close' | 'appendLedger' | 'readLedger'
>;

export interface CostTrackingOptions {
  config: Pick<FlexiAIConfig, 'pricing' | 'budgets' | 'ledger' | 'sync'>;
  logger: Logger;
  resolve(route: string): RouteTarget[];
  /** Needed when the ledger or budgets are shared through Redis (`sync.backend: redis`). */
  redis?: CostRedisStore | undefined;
}

/**
 * Cost, as the facade installs it from config: the tracker (prices every call, `costUsd` on
 * responses, the ledger), the budget guard when budgets are configured, and the listener that
 * settles both when a request ends.
 */
export class CostTracking {
  readonly tracker: CostTracker;
  private currentGuard: BudgetGuard | undefined;
  /** Guards replaced by a reload that still hold budget for requests in flight. */
  private retiredGuards: BudgetGuard[] = [];
  private store: BudgetStore | undefined;

  constructor(private readonly options: CostTrackingOptions) {
    const { config, logger } = options;
    this.assertStore(config);
    const ledger = createLedger(config.ledger, logger, options.redis);
    this.tracker = new CostTracker({
      pricing: config.pricing,
      ledger,
      logger,
      resolve: options.resolve,
    });
    this.setBudgets(config);
  }

  /** The budget guard of the current `budgets` section; undefined without budgets. */
  get guard(): BudgetGuard | undefined {
    return this.currentGuard;
  }

  /** Whether the Redis cost store is loaded. */
  get hasRedis(): boolean {
    return this.options.redis !== undefined;
  }

  /**
   * Hot reload: new `pricing` and `budgets` apply to requests from now on. The ledger, and the
   * spend counted so far (budget counters are keyed by budget, scope and period), stay; requests
   * in flight settle against the guard that admitted them. `redis` is the cost store when the new
   * budgets need one that was not loaded yet.
   */
  reconfigure(
    config: Pick<FlexiAIConfig, 'pricing' | 'budgets' | 'sync'>,
    redis?: CostRedisStore,
  ): void {
    if (redis && !this.options.redis) this.options.redis = redis;
    this.assertStore({ ...config, ledger: { backend: 'memory', maxEntries: 1 } });
    this.tracker.setPricing(config.pricing);
    if (this.currentGuard) this.retiredGuards.push(this.currentGuard);
    this.currentGuard = undefined;
    this.setBudgets(config);
  }

  private assertStore(config: Pick<FlexiAIConfig, 'budgets' | 'ledger' | 'sync'>): void {
    if (
      config.sync.backend === 'redis' &&
      !this.options.redis &&
      (config.ledger.backend === 'redis' || config.budgets.length > 0)
    ) {
      throw new ConfigurationError(
        'budgets and the Redis ledger need the Redis cost store: use `await FlexiAI.create(config)`',
      );
    }
  }

  private setBudgets(config: Pick<FlexiAIConfig, 'budgets' | 'sync'>): void {
    if (config.budgets.length === 0) return;
    const { redis, logger } = this.options;
    this.store ??=
      config.sync.backend === 'redis' && redis
        ? new SharedBudgetStore(redis, logger)
        : new MemoryBudgetStore();
    this.currentGuard = new BudgetGuard(config.budgets, this.store, this.tracker);
  }

  /** Budgets outermost (they refuse before anything else runs), then cost. */
  middleware(): ChatMiddleware[] {
    return [...(this.guard ? [this.guard.middleware()] : []), this.tracker.middleware()];
  }

  /** The `request` listener: records the ledger entries and settles the budgets. */
  onRequest = (event: RequestEvent): void => {
    this.tracker.settle(event);
    const guards = this.currentGuard
      ? [...this.retiredGuards, this.currentGuard]
      : this.retiredGuards;
    for (const guard of guards) {
      // A guard settles only the requests it admitted (it holds their budget).
      guard
        .settle(event.requestId, event.attempts, event.cached === true)
        .catch((error: unknown) => {
          this.options.logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            'budget: settling a request failed',
          );
        });
    }
    if (this.retiredGuards.length)
      this.retiredGuards = this.retiredGuards.filter((g) => g.pending > 0);
  };

  async close(): Promise<void> {
    await this.tracker.ledger.close();
    await this.options.redis?.close();
  }
}

function createLedger(
  config: FlexiAIConfig['ledger'],
  logger: Logger,
  redis: CostRedisStore | undefined,
): LedgerSink {
  switch (config.backend) {
    case 'file':
      return new FileLedger(config.path ?? '', logger);
    case 'redis':
      if (!redis)
        throw new ConfigurationError(
          'ledger.backend is "redis" but no Redis cost store was loaded',
        );
      return new RedisLedger(redis, logger);
    default:
      return new MemoryLedger(config.maxEntries);
  }
}

/** Whether this configuration needs the Redis cost store. */
export const needsRedisCostStore = (
  config: Pick<FlexiAIConfig, 'budgets' | 'ledger' | 'sync'>,
): boolean =>
  config.sync.backend === 'redis' &&
  (config.ledger.backend === 'redis' || config.budgets.length > 0);

/** Loads the Redis cost store (ioredis is an optional peer dependency, loaded only when configured). */
export async function loadRedisCostStore(
  sync: RedisSyncConfig,
  workerId: string,
): Promise<CostRedisStore> {
  try {
    const { RedisCostStore } = await import('../state/redis/redis-cost-store.js');
    return new RedisCostStore(sync, workerId);
  } catch (cause) {
    throw new ConfigurationError(
      'budgets or the ledger use Redis but the Redis backend could not be loaded; install it with `npm install ioredis`',
      { cause },
    );
  }
}
