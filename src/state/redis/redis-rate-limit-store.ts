import type { RedisSyncConfig } from '../../config/sync-config-schema.js';
import type { Logger } from '../../internal/logger.js';
import { redactSecrets } from '../../internal/redact.js';
import type {
  SharedRateReply,
  SharedRateRequest,
  SharedRateStore,
} from '../../resilience/rate-limiter.js';
import { createRedisClient, describeEndpoint, type RedisClient } from './create-redis-client.js';
import { RATE_ADJUST_LUA, RATE_RESERVE_LUA } from './redis-rate-scripts.js';

/**
 * After a failed or timed-out command, reservations stay local this long before Redis is tried
 * again (by one reservation at a time until it answers).
 */
const BACKOFF_MS = 1_000;

type RateRedis = RedisClient & {
  flexiaiRateReserve(...args: (string | number)[]): Promise<[number, number, number, number]>;
  flexiaiRateAdjust(...args: (string | number)[]): Promise<number>;
};

export interface RedisRateLimitStoreOptions {
  config: RedisSyncConfig;
  workerId: string;
  logger: Logger;
  /** Reads Redis's time when absent; tests pin it to check the window arithmetic. */
  now?: () => number;
}

/**
 * The Redis side of shared rate limits: its own command connection (lazily connected, no offline
 * queue, every command bounded by `sync.commandTimeoutMs`), the sliding-window scripts, and the
 * logging of its health: one warning when reservations fall back to local limiting, one info line
 * when Redis decides again. Keys: `<keyPrefix>ratelimit:{<provider>}:log` and `…:tokens` (no
 * secret: provider names, worker ids and token counts).
 */
export class RedisRateLimitStore implements SharedRateStore {
  private readonly redis: RateRedis;
  private readonly logger: Logger;
  private readonly endpoint: string;
  private readonly secrets: string[];
  private backoffUntil = 0;
  private degraded = false;
  private probing = false;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: RedisRateLimitStoreOptions) {
    const { config, workerId } = options;
    this.logger = options.logger.child({ component: 'redis-rate-limits' });
    this.endpoint = describeEndpoint(config);
    this.secrets = [config.password?.reveal(), config.sentinelPassword?.reveal()].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const client = createRedisClient(config, 'command', `${workerId}-rate`);
    client.on('error', (error: Error) => this.fail(error)); // reconnects on its own
    client.on('ready', () => {
      this.backoffUntil = 0;
    });
    client.defineCommand('flexiaiRateReserve', { numberOfKeys: 2, lua: RATE_RESERVE_LUA });
    client.defineCommand('flexiaiRateAdjust', { numberOfKeys: 2, lua: RATE_ADJUST_LUA });
    this.redis = client as RateRedis;
  }

  /** Keys of one provider's window (one hash tag: one Cluster slot). */
  keys(provider: string): [string, string] {
    const base = `${this.options.config.keyPrefix}ratelimit:{${provider}}`;
    return [`${base}:log`, `${base}:tokens`];
  }

  /** Connects, waiting at most `sync.startupTimeoutMs`; never rejects (limits stay local meanwhile). */
  async ready(): Promise<void> {
    const timeout = new Promise<void>((resolve) => {
      setTimeout(resolve, this.options.config.startupTimeoutMs).unref();
    });
    await Promise.race([this.connect(), timeout]);
  }

  usable(): boolean {
    if (this.closed) return false;
    const status = this.redis.status;
    if (status !== 'ready') {
      if (status === 'wait' || status === 'end') void this.connect();
      return false;
    }
    if (performance.now() < this.backoffUntil) return false;
    // After a failure, one reservation at a time finds out whether Redis answers again.
    if (this.degraded) {
      if (this.probing) return false;
      this.probing = true;
    }
    return true;
  }

  async reserve(request: SharedRateRequest): Promise<SharedRateReply> {
    try {
      const [admitted, retryAfterMs] = await this.redis.flexiaiRateReserve(
        ...this.keys(request.provider),
        this.options.now ? String(this.options.now()) : '',
        request.windowMs,
        request.requestsPerMinute ?? 0,
        request.tokensPerMinute ?? 0,
        request.id,
        request.tokens,
      );
      this.recovered();
      return Number(admitted) === 1
        ? { ok: true }
        : { ok: false, retryAfterMs: Number(retryAfterMs) };
    } catch (error) {
      this.fail(error);
      throw error;
    } finally {
      this.probing = false;
    }
  }

  adjust(provider: string, id: string, reserved: number, tokens: number | undefined): void {
    if (this.closed || this.redis.status !== 'ready') return;
    this.redis
      .flexiaiRateAdjust(...this.keys(provider), id, reserved, tokens ?? -1)
      .catch((error: unknown) => this.fail(error));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') {
      await Promise.race([
        this.redis.quit().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 500).unref()),
      ]);
    }
    this.redis.disconnect();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.redis
      .connect()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    this.backoffUntil = performance.now() + BACKOFF_MS;
    if (this.degraded) return;
    this.degraded = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      { endpoint: this.endpoint, reason: redactSecrets(message, this.secrets).slice(0, 200) },
      `rate limits: Redis ${this.endpoint} not available; each process limits on its own (its share of every limit) until it answers again`,
    );
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.info(
      { endpoint: this.endpoint },
      `rate limits: Redis ${this.endpoint} answers again; limits are shared again`,
    );
  }
}
