import {
  redisSyncSchema,
  type RedisSyncConfig,
  type RedisSyncConfigInput,
  type SyncConfig,
} from '../../config/sync-config-schema.js';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { systemClock, type Clock } from '../../internal/clock.js';
import { createLogger, type Logger } from '../../internal/logger.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import type { CircuitBreaker, CircuitChangeEvent } from '../../resilience/circuit-breaker.js';
import { BroadcastCoalescer } from '../broadcast-coalescer.js';
import {
  compareRecords,
  recordTtlMs,
  toCircuitRecord,
  toSnapshot,
  type CircuitRecord,
} from '../circuit-record.js';
import type { CircuitStateSync, SyncCounters, SyncStatus } from '../circuit-state-sync.js';
import { ProbeClaimGate } from '../probe-claim-gate.js';
import { decodeStoredRecord, decodeSyncMessage } from '../sync-message.js';
import { createWorkerId } from '../worker-id.js';
import { RedisCommands } from './redis-commands.js';
import { RedisConnection } from './redis-connection.js';
import { RedisFailureCounter } from './redis-failure-counter.js';
import { createRedisKeys, type RedisKeys } from './redis-keys.js';

export interface RedisStateSyncOptions {
  /** The `sync` section (`backend: 'redis'`), as written or as validated by the client. */
  sync: RedisSyncConfigInput | SyncConfig;
  logger?: Logger;
  clock?: Clock;
}

interface Tracked {
  provider: string;
  breaker: CircuitBreaker;
  /** The record the local breaker's state stands for (its version and who decided it). */
  known: CircuitRecord | null;
  gate: ProbeClaimGate;
  claiming: boolean;
  /** The probe-lock slot this worker won for the current open state. */
  claimSlot: number;
  /** Epoch ms before which another worker holds every probe slot. */
  claimBlockedUntil: number;
  claimTimer: NodeJS.Timeout | undefined;
  unsubscribe: () => void;
}

/** Open circuits claim their probe slot this long before the deadline, so the gate is ready in time. */
const CLAIM_LEAD_MS = 100;
/** An unused claim lapses after this long, so a worker without traffic does not hold up recovery. */
const IDLE_CLAIM_MS = 1_000;
/** The version floor outlives every record by far; it only has to beat the longest record TTL. */
const FLOOR_TTL_FLOOR_MS = 7 * 86_400_000;

/**
 * Circuit state shared through Redis. Local decisions are written to one record per provider with
 * a compare-and-set script that also publishes them; other workers apply them at once from the
 * channel (after checking the message against the stored record), and re-read every record on
 * start, on every reconnect and every `resyncIntervalMs`. Half-open probes are limited cluster-wide
 * by a claimed slot (SET NX PX) that a synchronous gate hands to the breaker. Nothing here sits on
 * the request path: when Redis is slow or gone, breakers carry on with local state.
 */
export class RedisStateSync implements CircuitStateSync {
  readonly workerId: string;
  readonly config: RedisSyncConfig;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly keys: RedisKeys;
  private readonly connection: RedisConnection;
  private readonly commands: RedisCommands;
  private readonly coalescer: BroadcastCoalescer;
  private readonly tracked = new Map<string, Tracked>();
  private readonly counters: Omit<SyncCounters, 'coalesced' | 'connects' | 'commandFailures'> = {
    published: 0,
    received: 0,
    applied: 0,
    ignored: {
      oversized: 0,
      malformed: 0,
      invalid: 0,
      unknown_provider: 0,
      stale: 0,
      forged: 0,
    },
    resyncs: 0,
    probeClaimsWon: 0,
    probeClaimsLost: 0,
  };
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly started: Promise<void>;
  private workers: number | undefined;
  private lastResyncAt: number | null = null;
  private resyncing: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisStateSyncOptions) {
    const parsed = redisSyncSchema.safeParse(options.sync);
    if (!parsed.success) {
      throw new ConfigurationError('Invalid Redis sync configuration:', {
        issues: toPathIssues(parsed.error, ['sync']),
      });
    }
    this.config = parsed.data;
    this.logger = (options.logger ?? createLogger()).child({ component: 'redis-sync' });
    this.clock = options.clock ?? systemClock;
    this.workerId = this.config.workerId ?? createWorkerId();
    this.keys = createRedisKeys(this.config.keyPrefix, this.config.channel);
    this.connection = new RedisConnection({
      config: this.config,
      workerId: this.workerId,
      logger: this.logger,
      onReady: (role, again) => this.onReady(role, again),
      onMessage: (message) => void this.onMessage(message),
    });
    this.commands = new RedisCommands(this.connection, this.keys, this.workerId);
    this.coalescer = new BroadcastCoalescer({
      windowMs: this.config.coalesceWindowMs,
      send: (provider) => this.publish(provider),
      now: () => this.clock.now(),
    });
    this.started = this.connection.start();
    this.every(this.config.resyncIntervalMs, () => this.resync());
    this.every(this.config.heartbeatIntervalMs, () => this.heartbeat());
  }

  track(provider: string, breaker: CircuitBreaker): void {
    if (this.tracked.has(provider)) return;
    const version = breaker.snapshot().version;
    const tracked: Tracked = {
      provider,
      breaker,
      known: version > 0 ? toCircuitRecord(provider, breaker.snapshot(), this.workerId) : null,
      gate: new ProbeClaimGate(this.clock, () => this.connection.healthy(), {
        used: (v) => this.defer(() => this.extendClaim(tracked, v, breaker.options.probeTimeoutMs)),
        demand: () => this.defer(() => this.claim(tracked)),
      }),
      claiming: false,
      claimSlot: 0,
      claimBlockedUntil: 0,
      claimTimer: undefined,
      unsubscribe: breaker.onStateChange((event) => this.onLocalChange(tracked, event)),
    };
    breaker.setProbeGate(tracked.gate);
    if (this.config.failureCounting === 'cluster') {
      breaker.setFailureCounter(
        new RedisFailureCounter({
          provider,
          breaker,
          commands: this.commands,
          clock: this.clock,
          windowMs: this.config.failureWindowMs,
          healthy: () => this.connection.healthy(),
          defer: (task) => this.defer(task),
        }),
      );
    }
    this.tracked.set(provider, tracked);
    if (this.connection.healthy()) this.defer(() => this.resync());
  }

  /** Stops sharing one provider's breaker: no more broadcasts, remote states or probe claims. */
  untrack(provider: string): void {
    const tracked = this.tracked.get(provider);
    if (!tracked) return;
    this.tracked.delete(provider);
    clearTimeout(tracked.claimTimer);
    tracked.unsubscribe();
    tracked.breaker.setProbeGate(undefined);
    tracked.breaker.setFailureCounter(undefined);
  }

  async ready(options: { signal?: AbortSignal } = {}): Promise<void> {
    const timeout = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.config.startupTimeoutMs);
      timer.unref();
      options.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const synced = this.started.then(async () => {
      if (this.connection.healthy()) await this.resync();
    });
    await Promise.race([synced, timeout]);
  }

  status(): SyncStatus {
    const healthy = this.connection.healthy();
    const { notified, sent } = this.coalescer.counts();
    return {
      backend: 'redis',
      health: healthy ? 'connected' : 'degraded',
      detail: this.connection.detail(),
      workerId: this.workerId,
      ...(this.workers === undefined ? {} : { workers: this.workers }),
      lastResyncAt: this.lastResyncAt,
      counters: {
        ...this.counters,
        ignored: { ...this.counters.ignored },
        coalesced: Math.max(0, notified - sent),
        connects: this.connection.connects,
        commandFailures: this.connection.commandFailures,
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.forEach((timer) => clearInterval(timer));
    this.coalescer.close();
    for (const tracked of this.tracked.values()) {
      clearTimeout(tracked.claimTimer);
      tracked.unsubscribe();
      tracked.breaker.setProbeGate(undefined);
      tracked.breaker.setFailureCounter(undefined);
    }
    await this.started;
    if (this.connection.healthy()) await this.commands.leave().catch(() => undefined);
    await this.connection.close();
  }

  private onLocalChange(tracked: Tracked, event: CircuitChangeEvent): void {
    if (event.source !== 'local' || this.closed) return;
    // open -> half_open follows from the deadline: no decision, nothing to share.
    if (event.snapshot.version === (tracked.known?.version ?? 0)) return;
    tracked.known = toCircuitRecord(tracked.provider, event.snapshot, this.workerId);
    this.knownChanged(tracked);
    this.coalescer.notify(tracked.provider);
  }

  /** Adopts `record` when it beats the local state; returns whether it did. */
  private adopt(tracked: Tracked, record: CircuitRecord): boolean {
    if (compareRecords(record, tracked.known) <= 0) return false;
    if (!tracked.breaker.applyRemoteState(toSnapshot(record), { replaceSameVersion: true })) {
      return false;
    }
    tracked.known = record;
    this.counters.applied += 1;
    this.knownChanged(tracked);
    return true;
  }

  /** Stores the latest local record (coalesced; one write per provider in flight). */
  private async publish(provider: string): Promise<void> {
    const tracked = this.tracked.get(provider);
    const record = tracked?.known;
    if (!tracked || !record || !this.connection.healthy()) return;
    const ttl = recordTtlMs(record, this.clock.now(), this.config.closedStateTtlMs);
    if (ttl === null) return;
    const floorTtl = Math.max(FLOOR_TTL_FLOOR_MS, this.config.closedStateTtlMs * 2);
    const result = await this.commands.writeRecord(record, ttl, floorTtl).catch(() => undefined);
    if (!result) return;
    if (result.stored) this.counters.published += 1;
    const winner = decodeStoredRecord(result.record);
    if (winner) this.adopt(tracked, winner);
  }

  private async onMessage(raw: Buffer): Promise<void> {
    this.counters.received += 1;
    const decoded = decodeSyncMessage(raw, this.config.maxMessageBytes);
    if (!decoded.ok) return this.ignore(decoded.reason);
    const { from, record } = decoded.message;
    if (from === this.workerId) return;
    const tracked = this.tracked.get(record.provider);
    if (!tracked) return this.ignore('unknown_provider');
    if (compareRecords(record, tracked.known) <= 0) return this.ignore('stale');
    // A message is a hint: only what the store holds is applied, so a forged one changes nothing.
    const stored = await this.commands.readRecord(record.provider).catch(() => undefined);
    if (stored === undefined) return; // Redis failing: the next resync settles it
    if (!stored || compareRecords(stored, record) < 0) return this.ignore('forged');
    this.adopt(tracked, stored);
  }

  private ignore(reason: keyof SyncCounters['ignored']): void {
    this.counters.ignored[reason] += 1;
    this.logger.debug({ reason }, 'ignored a circuit sync message');
  }

  /** Re-reads every stored record: adopts newer ones, republishes local ones Redis lost. */
  private resync(): Promise<void> {
    if (this.closed || !this.connection.healthy()) return Promise.resolve();
    this.resyncing ??= this.resyncOnce().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private async resyncOnce(): Promise<void> {
    const all = [...this.tracked.values()];
    const stored = await this.commands
      .readRecords(all.map((t) => t.provider))
      .catch(() => undefined);
    if (!stored) return;
    const now = this.clock.now();
    all.forEach((tracked, i) => {
      const record = stored[i] ?? null;
      if ((record && this.adopt(tracked, record)) || !tracked.known) return;
      const localWins = compareRecords(tracked.known, record) > 0;
      const live = recordTtlMs(tracked.known, now, this.config.closedStateTtlMs) !== null;
      if (localWins && live) this.coalescer.notify(tracked.provider);
    });
    this.counters.resyncs += 1;
    this.lastResyncAt = now;
  }

  private async heartbeat(): Promise<void> {
    if (this.closed || this.connection.cmd.status !== 'ready') return;
    this.workers = await this.commands.heartbeat(this.config.workerTtlMs).catch(() => this.workers);
  }

  private onReady(role: 'command' | 'subscriber', again: boolean): void {
    if (this.closed) return;
    if (role === 'subscriber' && !again) {
      void this.connection.sub.subscribe(this.keys.channel).catch(() => undefined);
    }
    if (!this.connection.healthy()) return;
    void this.heartbeat();
    void this.resync();
    for (const tracked of this.tracked.values()) this.knownChanged(tracked);
  }

  /** The local state changed: any probe slot held belonged to the previous state; plan the next claim. */
  private knownChanged(tracked: Tracked): void {
    clearTimeout(tracked.claimTimer);
    tracked.claimTimer = undefined;
    const record = tracked.known;
    if (!record || record.state !== 'open' || record.openUntil === null) {
      tracked.gate.clear();
      return;
    }
    if (tracked.gate.heldFor() !== record.version) tracked.gate.clear();
    tracked.claimBlockedUntil = 0;
    const wait = Math.max(0, record.openUntil - CLAIM_LEAD_MS - this.clock.now());
    tracked.claimTimer = setTimeout(() => void this.claim(tracked), wait);
    tracked.claimTimer.unref();
  }

  /** Claims a cluster-wide probe slot for the current open state, ahead of the next request. */
  private async claim(tracked: Tracked): Promise<void> {
    const record = tracked.known;
    const now = this.clock.now();
    if (this.closed || tracked.claiming || !record || record.state !== 'open') return;
    if (!this.connection.healthy() || tracked.gate.heldFor() === record.version) return;
    if (now < tracked.claimBlockedUntil) return;
    tracked.claiming = true;
    try {
      const ttl = Math.max(0, (record.openUntil ?? now) - now) + IDLE_CLAIM_MS;
      const result = await this.commands.claimProbe({
        provider: tracked.provider,
        version: record.version,
        slots: tracked.breaker.options.halfOpenMaxCalls,
        ttlMs: ttl,
      });
      if (tracked.known?.version !== record.version) return;
      if (result.won) {
        this.counters.probeClaimsWon += 1;
        tracked.claimSlot = result.slot;
        tracked.gate.grant(record.version, now + ttl);
      } else {
        this.counters.probeClaimsLost += 1;
        tracked.claimBlockedUntil = now + Math.max(0, result.retryInMs);
      }
    } catch {
      // Redis failing: the gate steps aside while unhealthy; demand retries later.
    } finally {
      tracked.claiming = false;
    }
  }

  private async extendClaim(tracked: Tracked, version: number, ttlMs: number): Promise<void> {
    if (tracked.gate.heldFor() !== version) return;
    tracked.gate.extend(this.clock.now() + ttlMs);
    await this.commands
      .extendClaim({ provider: tracked.provider, version, slot: tracked.claimSlot, ttlMs })
      .catch(() => undefined);
  }

  /** Runs `task` off the caller's stack (the caller may be the request path). */
  private defer(task: () => unknown): void {
    setImmediate(() => {
      if (!this.closed) void task();
    });
  }

  private every(ms: number, task: () => unknown): void {
    const timer = setInterval(() => void task(), ms);
    timer.unref();
    this.timers.push(timer);
  }
}

/** The Redis state sync, as a `StateSyncFactory` for `new FlexiAI(config, { stateSync })` or standalone. */
export function createRedisStateSync(options: RedisStateSyncOptions): RedisStateSync {
  return new RedisStateSync(options);
}
