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
  readonly guard: BudgetGuard | undefined;
  private readonly store: BudgetStore | undefined;

  constructor(private readonly options: CostTrackingOptions) {
    const { config, logger } = options;
    const shared = config.sync.backend === 'redis';
    if (
      shared &&
      !options.redis &&
      (config.ledger.backend === 'redis' || config.budgets.length > 0)
    ) {
      throw new ConfigurationError(
        'budgets and the Redis ledger need the Redis cost store: use `await FlexiAI.create(config)`',
      );
    }
    const ledger = createLedger(config.ledger, logger, options.redis);
    this.tracker = new CostTracker({
      pricing: config.pricing,
      ledger,
      logger,
      resolve: options.resolve,
    });
    if (config.budgets.length > 0) {
      this.store =
        shared && options.redis
          ? new SharedBudgetStore(options.redis, logger)
          : new MemoryBudgetStore();
      this.guard = new BudgetGuard(config.budgets, this.store, this.tracker);
    }
  }

  /** Budgets outermost (they refuse before anything else runs), then cost. */
  middleware(): ChatMiddleware[] {
    return [...(this.guard ? [this.guard.middleware()] : []), this.tracker.middleware()];
  }

  /** The `request` listener: records the ledger entries and settles the budgets. */
  onRequest = (event: RequestEvent): void => {
    this.tracker.settle(event);
    if (this.guard) {
      this.guard
        .settle(event.requestId, event.attempts, event.cached === true)
        .catch((error: unknown) => {
          this.options.logger.error(
            { err: error instanceof Error ? error.message : String(error) },
            'budget: settling a request failed',
          );
        });
    }
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
