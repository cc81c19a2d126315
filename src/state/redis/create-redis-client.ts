import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisSyncConfig } from '../../config/sync-config-schema.js';
import { ConfigurationError } from '../../errors/configuration-error.js';

/** A standalone, Sentinel-managed or Cluster connection. */
export type RedisClient = Redis | Cluster;

export type RedisRole = 'command' | 'subscriber';

/**
 * Reconnect delay after `attempt` failures: exponential from the minimum, capped at the maximum,
 * with full jitter over the upper half so a fleet does not reconnect in step. Never gives up, and
 * never reconnects faster than the minimum (R9: bounded reconnect rate).
 */
export function reconnectDelayMs(attempt: number, min: number, max: number, random = Math.random) {
  const ceiling = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.max(min, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

function readTls(config: RedisSyncConfig): ConnectionOptions | undefined {
  const wantsTls = config.tls || config.url.startsWith('rediss://') || config.tlsOptions;
  if (!wantsTls) return undefined;
  const options = config.tlsOptions;
  const read = (path: string | undefined, what: string): Buffer | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new ConfigurationError(`sync.tlsOptions.${what}: cannot read ${path}`, { cause });
    }
  };
  const ca = read(options?.caFile, 'caFile');
  const cert = read(options?.certFile, 'certFile');
  const key = read(options?.keyFile, 'keyFile');
  return {
    rejectUnauthorized: options?.rejectUnauthorized ?? true,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(options?.servername ? { servername: options.servername } : {}),
  };
}

/**
 * The ioredis options of one connection. Commands never queue while disconnected (they fail at
 * once), never outlive `commandTimeoutMs`, and a socket that stops answering is dropped and
 * reconnected, so nothing waits on a frozen Redis.
 */
export function buildRedisOptions(
  config: RedisSyncConfig,
  role: RedisRole,
  workerId: string,
): RedisOptions {
  const url = new URL(config.url);
  const db = Number(url.pathname.replace(/^\//, '') || '0');
  const tls = readTls(config);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(url.port || 6379),
    db: Number.isInteger(db) ? db : 0,
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password.reveal() } : {}),
    ...(tls ? { tls } : {}),
    ...(config.sentinels
      ? {
          sentinels: config.sentinels,
          name: config.sentinelName,
          ...(config.sentinelPassword
            ? { sentinelPassword: config.sentinelPassword.reveal() }
            : {}),
          ...(tls ? { enableTLSForSentinelMode: true } : {}),
        }
      : {}),
    connectionName: `flexiai-${role}-${workerId}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 120),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    socketTimeout: Math.max(1_000, config.commandTimeoutMs * 4),
    keepAlive: 10_000,
    enableAutoPipelining: role === 'command',
    autoResubscribe: true,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) =>
      reconnectDelayMs(attempt, config.reconnectMinDelayMs, config.reconnectMaxDelayMs),
    ...(config.redisOptions as RedisOptions | undefined),
  };
}

/** Creates one connection (not yet connected: `lazyConnect`). */
export function createRedisClient(
  config: RedisSyncConfig,
  role: RedisRole,
  workerId: string,
): RedisClient {
  const options = buildRedisOptions(config, role, workerId);
  if (!config.clusterNodes) return new Redis(options);
  const { host: _host, port: _port, db: _db, retryStrategy, ...nodeOptions } = options;
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: role === 'command',
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? null,
    redisOptions: nodeOptions,
    ...(config.redisOptions as ClusterOptions | undefined),
  };
  return new Cluster(config.clusterNodes, clusterOptions);
}

/** `host:port` of the configured endpoint (never credentials), for logs and status. */
export function describeEndpoint(config: RedisSyncConfig): string {
  if (config.clusterNodes) return `cluster ${config.clusterNodes.map(hostPort).join(',')}`;
  if (config.sentinels)
    return `sentinel ${config.sentinelName}@${config.sentinels.map(hostPort).join(',')}`;
  const url = new URL(config.url);
  return `${url.protocol}//${url.host}${url.pathname.length > 1 ? url.pathname : ''}`;
}

const hostPort = (node: { host: string; port: number }): string => `${node.host}:${node.port}`;
