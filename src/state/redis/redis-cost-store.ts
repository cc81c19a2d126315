import type { RedisSyncConfig } from '../../config/sync-config-schema.js';
import { createRedisClient, type RedisClient } from './create-redis-client.js';

/**
 * Reserve a budget amount, atomically. KEYS: counter hash. ARGV: limit, amount, ttl ms (0: none).
 * Admits only when nothing is over the limit and spent + reserved + amount stays within it.
 * Returns { admitted 1|0, spent, reserved }.
 */
export const BUDGET_RESERVE_LUA = `
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
local limit = tonumber(ARGV[1])
local amount = tonumber(ARGV[2])
if spent >= limit or spent + reserved + amount > limit then
  return { 0, spent, reserved }
end
reserved = redis.call('HINCRBY', KEYS[1], 'reserved', amount)
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return { 1, spent, reserved }
`;

/**
 * Swap a reservation for the real cost, atomically. KEYS: counter hash. ARGV: reserved, actual,
 * ttl ms (0: none). The hold never goes below zero. Returns the new spent.
 */
export const BUDGET_SETTLE_LUA = `
local reserved = tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0')
local release = math.min(reserved, tonumber(ARGV[1]))
if release > 0 then redis.call('HINCRBY', KEYS[1], 'reserved', -release) end
local spent = redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return spent
`;

type CostRedis = RedisClient & {
  flexiaiBudgetReserve(
    key: string,
    limit: number,
    amount: number,
    ttl: number,
  ): Promise<[number, number, number]>;
  flexiaiBudgetSettle(key: string, reserved: number, actual: number, ttl: number): Promise<number>;
};

/**
 * The Redis side of cost tracking: budget counters (Lua, atomic across workers) and the shared
 * ledger (a sorted set by time). Commands fail at once while Redis is unreachable (no offline
 * queue): the caller falls back to local enforcement. Keys: `<prefix>cost:budget:<name>:<period>`
 * (a hash: spent, reserved, in nano-dollars), `<prefix>cost:warned:…`, `<prefix>cost:ledger`.
 */
export class RedisCostStore {
  private readonly redis: CostRedis;
  private connecting: Promise<void> | undefined;

  constructor(
    config: RedisSyncConfig,
    workerId: string,
    readonly prefix = config.keyPrefix,
  ) {
    const client = createRedisClient(config, 'command', `${workerId}-cost`);
    client.on('error', () => undefined); // reported by the callers' failures
    client.defineCommand('flexiaiBudgetReserve', { numberOfKeys: 1, lua: BUDGET_RESERVE_LUA });
    client.defineCommand('flexiaiBudgetSettle', { numberOfKeys: 1, lua: BUDGET_SETTLE_LUA });
    this.redis = client as CostRedis;
  }

  budgetKey = (key: string): string => `${this.prefix}cost:budget:${key}`;

  async reserve(key: string, limitNano: number, amountNano: number, ttlMs: number | undefined) {
    await this.connect();
    const [admitted, spent, reserved] = await this.redis.flexiaiBudgetReserve(
      this.budgetKey(key),
      limitNano,
      amountNano,
      ttlMs ?? 0,
    );
    return { ok: Number(admitted) === 1, spentNano: Number(spent), reservedNano: Number(reserved) };
  }

  async settle(
    key: string,
    reservedNano: number,
    actualNano: number,
    ttlMs: number | undefined,
  ): Promise<number> {
    await this.connect();
    return Number(
      await this.redis.flexiaiBudgetSettle(
        this.budgetKey(key),
        reservedNano,
        actualNano,
        ttlMs ?? 0,
      ),
    );
  }

  async addSpent(key: string, nano: number): Promise<number> {
    await this.connect();
    return Number(await this.redis.hincrby(this.budgetKey(key), 'spent', nano));
  }

  async firstWarning(key: string, ttlMs: number | undefined): Promise<boolean> {
    await this.connect();
    const warnKey = `${this.prefix}cost:warned:${key}`;
    const set = ttlMs
      ? await this.redis.set(warnKey, '1', 'PX', ttlMs, 'NX')
      : await this.redis.set(warnKey, '1', 'NX');
    return set === 'OK';
  }

  async read(key: string): Promise<{ spentNano: number; reservedNano: number }> {
    await this.connect();
    const [spent, reserved] = await this.redis.hmget(this.budgetKey(key), 'spent', 'reserved');
    return { spentNano: Number(spent ?? 0), reservedNano: Number(reserved ?? 0) };
  }

  /** Appends ledger entries (JSON) scored by time. */
  async appendLedger(items: readonly { at: number; json: string }[]): Promise<void> {
    if (items.length === 0) return;
    await this.connect();
    const args: (string | number)[] = [];
    for (const item of items) args.push(item.at, item.json);
    await this.redis.zadd(`${this.prefix}cost:ledger`, ...args);
  }

  /** Ledger entries (JSON) with since <= at < until. */
  async readLedger(since: number | undefined, until: number | undefined): Promise<string[]> {
    await this.connect();
    return this.redis.zrangebyscore(
      `${this.prefix}cost:ledger`,
      since ?? '-inf',
      until === undefined ? '+inf' : `(${until}`,
    );
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async connect(): Promise<void> {
    if (this.redis.status === 'ready') return;
    if (this.redis.status === 'wait' || this.redis.status === 'end') {
      this.connecting ??= this.redis.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    if (this.connecting) await this.connecting;
    const status: string = this.redis.status;
    if (status !== 'ready') throw new Error(`Redis is ${status}`);
  }
}
