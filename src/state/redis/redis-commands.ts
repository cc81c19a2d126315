import type { CircuitRecord } from '../circuit-record.js';
import { decodeStoredRecord } from '../sync-message.js';
import type { RedisClient } from './create-redis-client.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisKeys } from './redis-keys.js';
import {
  CLAIM_PROBE_LUA,
  COUNT_FAILURE_LUA,
  EXTEND_CLAIM_LUA,
  HEARTBEAT_LUA,
  WRITE_RECORD_LUA,
} from './redis-scripts.js';

type ScriptReply = [number, string | number];

/** The scripts, registered on the client by ioredis (EVALSHA, with EVAL on NOSCRIPT). */
interface ScriptCommands {
  flexiaiWriteRecord(...args: (string | number)[]): Promise<ScriptReply>;
  flexiaiClaimProbe(...args: (string | number)[]): Promise<ScriptReply>;
  flexiaiExtendClaim(...args: (string | number)[]): Promise<number>;
  flexiaiHeartbeat(...args: (string | number)[]): Promise<number>;
  flexiaiCountFailure(...args: (string | number)[]): Promise<number>;
}

function defineScripts(client: RedisClient): RedisClient & ScriptCommands {
  client.defineCommand('flexiaiWriteRecord', { numberOfKeys: 2, lua: WRITE_RECORD_LUA });
  client.defineCommand('flexiaiClaimProbe', { lua: CLAIM_PROBE_LUA });
  client.defineCommand('flexiaiExtendClaim', { numberOfKeys: 1, lua: EXTEND_CLAIM_LUA });
  client.defineCommand('flexiaiHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT_LUA });
  client.defineCommand('flexiaiCountFailure', { numberOfKeys: 1, lua: COUNT_FAILURE_LUA });
  return client as RedisClient & ScriptCommands;
}

export interface WriteResult {
  /** True when this record (possibly renumbered) is now the stored one. */
  stored: boolean;
  /** The stored record's JSON after the write (ours, or the one that beat it). */
  record: string;
}

/** The sync's Redis commands, each bounded by the command timeout and recorded in health. */
export class RedisCommands {
  private readonly client: RedisClient & ScriptCommands;

  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly workerId: string,
  ) {
    this.client = defineScripts(connection.cmd);
  }

  async writeRecord(
    record: CircuitRecord,
    ttlMs: number,
    floorTtlMs: number,
  ): Promise<WriteResult> {
    const [stored, json] = await this.connection.run(() =>
      this.client.flexiaiWriteRecord(
        this.keys.state(record.provider),
        this.keys.versionFloor(record.provider),
        JSON.stringify(record),
        Math.ceil(ttlMs),
        Math.ceil(floorTtlMs),
        this.keys.channel,
        this.workerId,
      ),
    );
    return { stored: stored === 1, record: String(json) };
  }

  async readRecord(provider: string): Promise<CircuitRecord | null> {
    return decodeStoredRecord(
      await this.connection.run(() => this.client.get(this.keys.state(provider))),
    );
  }

  /** One GET per provider (auto-pipelined; MGET would cross Cluster slots). */
  async readRecords(providers: readonly string[]): Promise<(CircuitRecord | null)[]> {
    const raw = await this.connection.run(() =>
      Promise.all(providers.map((p) => this.client.get(this.keys.state(p)))),
    );
    return raw.map((value) => decodeStoredRecord(value));
  }

  async claimProbe(options: {
    provider: string;
    version: number;
    slots: number;
    ttlMs: number;
  }): Promise<{ won: true; slot: number } | { won: false; retryInMs: number }> {
    const keys = Array.from({ length: Math.max(1, options.slots) }, (_, slot) =>
      this.keys.probe(options.provider, options.version, slot),
    );
    const [slot, wait] = await this.connection.run(() =>
      this.client.flexiaiClaimProbe(keys.length, ...keys, this.workerId, Math.ceil(options.ttlMs)),
    );
    return slot >= 0 ? { won: true, slot } : { won: false, retryInMs: Number(wait) };
  }

  async extendClaim(options: {
    provider: string;
    version: number;
    slot: number;
    ttlMs: number;
  }): Promise<void> {
    await this.connection.run(() =>
      this.client.flexiaiExtendClaim(
        this.keys.probe(options.provider, options.version, options.slot),
        this.workerId,
        Math.ceil(options.ttlMs),
      ),
    );
  }

  /** Counts one failure of the closed state `version`; returns the cluster-wide count in the window. */
  async countFailure(provider: string, version: number, windowMs: number): Promise<number> {
    return this.connection.run(() =>
      this.client.flexiaiCountFailure(this.keys.failures(provider, version), Math.ceil(windowMs)),
    );
  }

  /** A success ends the streak: the cluster-wide count of the closed state starts over. */
  async resetFailures(provider: string, version: number): Promise<void> {
    await this.connection.run(() => this.client.del(this.keys.failures(provider, version)));
  }

  /** Refreshes this worker in the registry; returns the number of live workers. */
  async heartbeat(ttlMs: number): Promise<number> {
    return this.connection.run(() =>
      this.client.flexiaiHeartbeat(this.keys.workers, this.workerId, ttlMs, '0'),
    );
  }

  async leave(): Promise<void> {
    await this.connection.run(() =>
      this.client.flexiaiHeartbeat(this.keys.workers, this.workerId, 1, '1'),
    );
  }
}
