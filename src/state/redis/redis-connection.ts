import type { RedisSyncConfig } from '../../config/sync-config-schema.js';
import type { Logger } from '../../internal/logger.js';
import { redactSecrets } from '../../internal/redact.js';
import {
  createRedisClient,
  describeEndpoint,
  type RedisClient,
  type RedisRole,
} from './create-redis-client.js';

export interface RedisConnectionOptions {
  config: RedisSyncConfig;
  workerId: string;
  logger: Logger;
  /** A connection became ready; `again` after it had been ready before (a reconnect). */
  onReady(role: RedisRole, again: boolean): void;
  onMessage(message: Buffer): void;
}

type Problem = 'unreachable' | 'auth' | 'tls' | 'timeout' | 'other';

function classify(error: Error): Problem {
  const text = `${(error as { code?: unknown }).code ?? ''} ${error.message}`;
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password|AUTH/i.test(text)) return 'auth';
  if (/TLS|SSL|certificate|CERT_|self[- ]signed|EPROTO/i.test(text)) return 'tls';
  if (/timed out|timeout/i.test(text)) return 'timeout';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EPIPE|closed|writeable/i.test(text))
    return 'unreachable';
  return 'other';
}

/**
 * The two Redis connections of a state sync (commands, and the subscriber that pub/sub requires),
 * their health, and the logging of their failures: one clear warning when sharing stops, an
 * error for credentials or TLS (never the password), one info line when it recovers.
 */
export class RedisConnection {
  readonly cmd: RedisClient;
  readonly sub: RedisClient;
  readonly endpoint: string;
  private readonly options: RedisConnectionOptions;
  private readonly secrets: string[];
  private readonly everReady = new Set<RedisRole>();
  private commandsFailing = false;
  private problem: { kind: Problem; message: string } | undefined;
  private reported = new Set<string>();
  private degradedLogged = false;
  private closed = false;
  connects = 0;
  commandFailures = 0;

  constructor(options: RedisConnectionOptions) {
    this.options = options;
    const { config, workerId } = options;
    this.endpoint = describeEndpoint(config);
    this.secrets = [config.password?.reveal(), config.sentinelPassword?.reveal()].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    this.cmd = createRedisClient(config, 'command', workerId);
    this.sub = createRedisClient(config, 'subscriber', workerId);
    this.wire(this.cmd, 'command');
    this.wire(this.sub, 'subscriber');
    this.sub.on('messageBuffer', (_channel: Buffer, message: Buffer) =>
      this.options.onMessage(message),
    );
  }

  /** Starts connecting; resolves when both first attempts have ended (either way). */
  async start(): Promise<void> {
    await Promise.allSettled([this.cmd.connect(), this.sub.connect()]);
  }

  /** Both connections ready and the last command answered. */
  healthy(): boolean {
    return (
      !this.closed &&
      this.cmd.status === 'ready' &&
      this.sub.status === 'ready' &&
      !this.commandsFailing
    );
  }

  /** Why sharing is degraded, in words safe to show anywhere. */
  detail(): string {
    if (this.healthy()) return `connected to ${this.endpoint}`;
    const why = this.problem ? `${this.problem.kind}: ${this.problem.message}` : 'connecting';
    return `Redis ${this.endpoint} not available (${why}); circuit state is local to this process until it reconnects`;
  }

  /** Runs a command; a failure or timeout is recorded and rethrown. */
  async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      const value = await command();
      if (this.commandsFailing) {
        this.commandsFailing = false;
        this.recovered();
      }
      return value;
    } catch (error) {
      this.commandFailures += 1;
      const err = error instanceof Error ? error : new Error(String(error));
      if (classify(err) === 'timeout') this.commandsFailing = true;
      this.noteProblem(err);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([quit(this.cmd), quit(this.sub)]);
  }

  private wire(client: RedisClient, role: RedisRole): void {
    client.on('error', (error: Error) => this.noteProblem(error));
    client.on('ready', () => {
      this.connects += 1;
      const again = this.everReady.has(role);
      this.everReady.add(role);
      if (role === 'command') this.commandsFailing = false;
      if (this.healthy()) this.recovered();
      this.options.onReady(role, again);
    });
    client.on('end', () => this.noteDown());
    client.on('close', () => this.noteDown());
  }

  private noteDown(): void {
    if (this.closed || this.degradedLogged) return;
    if (!this.problem) return; // an 'error' event follows with the reason
    this.logDegraded();
  }

  private noteProblem(error: Error): void {
    if (this.closed) return;
    const kind = classify(error);
    const message = redactSecrets(error.message, this.secrets).slice(0, 200);
    this.problem = { kind, message };
    if ((kind === 'auth' || kind === 'tls') && !this.reported.has(message)) {
      this.reported.add(message);
      this.options.logger.error(
        { endpoint: this.endpoint, problem: kind, reason: message },
        `Redis state sync: ${kind === 'auth' ? 'authentication' : 'TLS'} failed at ${this.endpoint} (${message}); running on in-memory circuit state, retrying with backoff`,
      );
      this.degradedLogged = true;
      return;
    }
    if (!this.degradedLogged) this.logDegraded();
    else
      this.options.logger.debug(
        { endpoint: this.endpoint, problem: kind, reason: message },
        'Redis state sync error',
      );
  }

  private logDegraded(): void {
    this.degradedLogged = true;
    this.options.logger.warn(
      { endpoint: this.endpoint, problem: this.problem?.kind, reason: this.problem?.message },
      `Redis state sync: ${this.detail()}. Requests keep flowing; reconnecting in the background`,
    );
  }

  private recovered(): void {
    if (!this.degradedLogged) {
      this.problem = undefined;
      return;
    }
    this.degradedLogged = false;
    this.problem = undefined;
    this.reported.clear();
    this.options.logger.info(
      { endpoint: this.endpoint },
      `Redis state sync: connected to ${this.endpoint} again`,
    );
  }
}

async function quit(client: RedisClient): Promise<void> {
  if (client.status === 'ready') {
    await Promise.race([
      client.quit().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 500).unref()),
    ]);
  }
  client.disconnect();
}
