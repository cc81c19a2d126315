import { z } from 'zod';
import { Secret } from '../internal/secret.js';
import { secretSchema } from './secret-schema.js';

const ms = () => z.number().int().positive();

/** `host:port` (handy in FLEXIAI_* lists) or `{ host, port }`. */
export const hostPortSchema = z.union([
  z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port')
    .transform((value) => {
      const at = value.lastIndexOf(':');
      return {
        host: value.slice(0, at).replace(/^\[|\]$/g, ''),
        port: Number(value.slice(at + 1)),
      };
    }),
  z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65_535) }),
]);
export type HostPort = z.output<typeof hostPortSchema>;

/** TLS material for the Redis connection (files are read when connecting). */
export const redisTlsOptionsSchema = z.strictObject({
  /** PEM file of the CA that signed the server certificate (a private CA). */
  caFile: z.string().min(1).optional(),
  /** Client certificate and key (mutual TLS). */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** SNI / certificate host name, when it differs from the connection host. */
  servername: z.string().min(1).optional(),
  /** Verify the server certificate (never turn off outside a lab). */
  rejectUnauthorized: z.boolean().default(true),
});

export const memorySyncSchema = z.strictObject({ backend: z.literal('memory') });

export const redisSyncSchema = z
  .strictObject({
    backend: z.literal('redis'),
    /** `redis://[user[:password]@]host:port[/db]`, or `rediss://` for TLS. A password in it is moved to `password`. */
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379'),
    /** ACL user (Redis 6+); the URL's user when absent. */
    username: z.string().min(1).optional(),
    /** AUTH password; never logged, reported or sent anywhere but the AUTH command. */
    password: secretSchema.optional(),
    /** Use TLS (also implied by a `rediss://` URL). */
    tls: z.boolean().default(false),
    tlsOptions: redisTlsOptionsSchema.optional(),
    /** Prefix of every key; lets several deployments share one Redis. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'must be up to 64 letters, digits, : _ . or -')
      .default('flexiai:'),
    /** Pub/sub channel of circuit transitions; `<keyPrefix>circuit-events` by default. */
    channel: z.string().min(1).max(128).optional(),
    /** This process's id in the worker registry; `host:pid:random` by default. */
    workerId: z
      .string()
      .regex(/^[A-Za-z0-9:_.@-]{1,128}$/, 'must be 1-128 letters, digits, : _ . @ or -')
      .optional(),
    /** A Redis command that has not answered after this long fails (the request path never waits for it). */
    commandTimeoutMs: ms().default(500),
    connectTimeoutMs: ms().default(2_000),
    /** How long `FlexiAI.create()` waits for the first resync before serving from memory. */
    startupTimeoutMs: ms().default(2_000),
    /** Every stored circuit is re-read this often (and on every reconnect), healing lost messages. */
    resyncIntervalMs: ms().default(10_000),
    /** Heartbeat of this worker in the registry. */
    heartbeatIntervalMs: ms().default(5_000),
    /** A worker silent for this long leaves the registry. */
    workerTtlMs: ms().default(15_000),
    /** Reconnect backoff: exponential with jitter between these bounds. */
    reconnectMinDelayMs: ms().default(100),
    reconnectMaxDelayMs: ms().default(10_000),
    /** Transitions of one provider within this window are coalesced into one broadcast. */
    coalesceWindowMs: ms().default(50),
    /**
     * `cluster`: failures of a closed circuit are also counted across every worker (in Redis), so
     * about `failureThreshold` failing calls reach a provider cluster-wide, not threshold x workers.
     * `local` (default): each worker counts its own.
     */
    failureCounting: z.enum(['local', 'cluster']).default('local'),
    /** Cluster failure counts expire this long after the first failure of a streak. */
    failureWindowMs: ms().default(30_000),
    /** How long a stored closed state is kept (open states expire with their deadline). */
    closedStateTtlMs: ms().default(86_400_000),
    /** Larger pub/sub messages are ignored. */
    maxMessageBytes: z.number().int().min(256).max(1_048_576).default(4_096),
    /** Redis Sentinel: sentinel addresses and the monitored master's name (the URL's host is then unused). */
    sentinels: z.array(hostPortSchema).min(1).optional(),
    sentinelName: z.string().min(1).default('mymaster'),
    sentinelPassword: secretSchema.optional(),
    /** Redis Cluster: seed nodes (the URL's host is then unused). */
    clusterNodes: z.array(hostPortSchema).min(1).optional(),
    /** Passed as is to ioredis (e.g. `{ sentinelRetryStrategy }`, `{ natMap }`, `{ family: 6 }`). */
    redisOptions: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((sync, ctx) => {
    if (sync.sentinels && sync.clusterNodes) {
      ctx.addIssue({
        code: 'custom',
        message: 'set sentinels or clusterNodes, not both',
        path: ['clusterNodes'],
      });
    }
    if (sync.reconnectMinDelayMs > sync.reconnectMaxDelayMs) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed sync.reconnectMaxDelayMs',
        path: ['reconnectMinDelayMs'],
      });
    }
    if (!URL.canParse(sync.url)) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid URL', path: ['url'] });
    }
  })
  .transform(moveUrlCredentials);

/**
 * Takes user and password out of the URL so the config can be printed: the password becomes a
 * Secret (an explicit `password` wins), the URL keeps host, port and db only.
 */
function moveUrlCredentials<T extends { url: string; username?: string; password?: Secret }>(
  sync: T,
): T {
  const url = new URL(sync.url);
  if (!url.username && !url.password) return sync;
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return {
    ...sync,
    url: url.toString().replace(/\/$/, ''),
    ...(sync.username === undefined && username ? { username } : {}),
    ...(sync.password === undefined && password ? { password: new Secret(password) } : {}),
  };
}

export const syncSchema = z.discriminatedUnion('backend', [memorySyncSchema, redisSyncSchema]);

export type SyncConfigInput = z.input<typeof syncSchema>;
export type SyncConfig = z.output<typeof syncSchema>;
export type RedisSyncConfigInput = z.input<typeof redisSyncSchema>;
export type RedisSyncConfig = z.output<typeof redisSyncSchema>;
