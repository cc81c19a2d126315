import type { SkipReason } from '../types/attempt.js';
import type { CircuitSnapshot, CircuitStateName } from '../types/circuit.js';
import { systemClock, type Clock } from '../internal/clock.js';
import { extendDeadline } from './cooldown.js';

export interface CircuitBreakerOptions {
  /** The provider this breaker guards; carried in events. */
  name: string;
  failureThreshold: number;
  recoveryTimeoutMs: number;
  halfOpenMaxCalls: number;
  /** A half-open probe that has not reported after this long frees its slot. */
  probeTimeoutMs: number;
  /** Longest cooldown a rate limit can impose. */
  maxCooldownMs: number;
  clock?: Clock;
}

export type CircuitChangeReason =
  | 'failure_threshold'
  | 'recovery_timeout'
  | 'probe_succeeded'
  | 'probe_failed'
  | 'cooldown'
  | 'reset'
  | 'remote';

export interface CircuitChangeEvent {
  provider: string;
  from: CircuitStateName;
  to: CircuitStateName;
  reason: CircuitChangeReason;
  /** `local` changes are this process's decisions (to broadcast); `remote` ones were applied from outside. */
  source: 'local' | 'remote';
  snapshot: CircuitSnapshot;
}

export type CircuitChangeListener = (event: CircuitChangeEvent) => void;

/** Leave to call the provider. Settle it exactly once; later calls are ignored. */
export interface Permit {
  readonly ok: true;
  /** True when this call is a half-open probe. */
  readonly probe: boolean;
  /** The call succeeded. */
  success(): void;
  /** The call failed in a way that counts against the circuit. */
  failure(): void;
  /** The call ended without a verdict (cancelled, caller error, rate limit): frees a probe slot. */
  release(): void;
}

export interface Denial {
  readonly ok: false;
  readonly reason: SkipReason;
  /** Epoch ms when the breaker may admit calls again, when known. */
  readonly retryAt: number | null;
}

/**
 * A synchronous admission check for half-open probes, consulted after the breaker's own limit: a
 * state sync uses it to hold the cluster-wide probe slot it claimed ahead of time, so no more than
 * `halfOpenMaxCalls` probes reach a recovering provider across every process. It must never wait.
 */
export interface ProbeGate {
  /** May this process send a half-open probe now? `true` takes one probe slot. */
  tryAdmit(): boolean;
  /** A probe admitted by `tryAdmit` ended with no verdict (cancelled, caller error, rate limit). */
  release(): void;
}

/**
 * Counts a closed circuit's failures beyond this process (a state sync, e.g. in Redis). Never
 * waits: it reports back through `CircuitBreaker.tripShared` when the shared count reaches the
 * threshold. `version` names the closed state the call ran under, so counts never cross states.
 */
export interface SharedFailureCounter {
  failure(version: number): void;
  success(version: number): void;
}

export interface ApplyRemoteStateOptions {
  /**
   * Also adopt a snapshot whose version equals the local one (a tie between two processes that
   * decided from the same version, resolved by the caller's deterministic order).
   */
  replaceSameVersion?: boolean;
}

interface Probe {
  acquiredAt: number;
  gate: ProbeGate | undefined;
}

/**
 * One provider's circuit: `closed` counts consecutive failures and opens at `failureThreshold`;
 * `open` refuses calls until `openUntil`; then `half_open` admits at most `halfOpenMaxCalls`
 * probes at once — a good probe closes the circuit, a bad one re-opens it. Independently, a rate
 * limit sets a cooldown deadline that only extends.
 *
 * All of it is synchronous local memory: the request path never waits. State is plain JSON with
 * absolute deadlines and a version that moves forward on every decision (open, close, cooldown,
 * reset), so it can be stored and broadcast, and `applyRemoteState` adopts a newer version decided
 * elsewhere. The open -> half_open step follows from `openUntil` and the clock, so it changes no version.
 */
export class CircuitBreaker {
  readonly name: string;
  /** The limits this breaker runs with (a state sync reads `halfOpenMaxCalls` and `probeTimeoutMs`). */
  readonly options: Readonly<CircuitBreakerOptions>;
  private readonly clock: Clock;
  private state: CircuitStateName = 'closed';
  private version = 0;
  private failures = 0;
  private openedAt: number | null = null;
  private openUntil: number | null = null;
  private cooldownUntil: number | null = null;
  private updatedAt: number;
  /** Bumped on every state change; permits from an earlier epoch no longer count. */
  private epoch = 0;
  private probes = new Set<Probe>();
  private listeners: CircuitChangeListener[] = [];
  private probeGate: ProbeGate | undefined;
  private failureCounter: SharedFailureCounter | undefined;

  constructor(options: CircuitBreakerOptions) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.updatedAt = this.clock.now();
  }

  /** Asks to call the provider now. Never waits. */
  tryAcquire(): Permit | Denial {
    const now = this.clock.now();
    if (this.cooldownUntil !== null && now < this.cooldownUntil) {
      return { ok: false, reason: 'cooldown', retryAt: this.cooldownUntil };
    }
    if (this.state === 'closed') return this.permit(false);
    if (this.state === 'open') {
      if (this.openUntil !== null && now < this.openUntil) {
        return { ok: false, reason: 'circuit_open', retryAt: this.openUntil };
      }
      this.transition('half_open', 'recovery_timeout');
    }
    this.reclaimStaleProbes(now);
    if (this.probes.size >= this.options.halfOpenMaxCalls) {
      const oldest = Math.min(...[...this.probes].map((p) => p.acquiredAt));
      return { ok: false, reason: 'half_open_busy', retryAt: oldest + this.options.probeTimeoutMs };
    }
    const gate = this.probeGate;
    if (gate && !gate.tryAdmit()) return { ok: false, reason: 'half_open_busy', retryAt: null };
    return this.permit(true, now, gate);
  }

  /** Puts the provider in cooldown until `until` (epoch ms), capped; an earlier deadline never shortens it. */
  coolDown(until: number): boolean {
    const now = this.clock.now();
    const next = extendDeadline(this.cooldownUntil, until, now, this.options.maxCooldownMs);
    if (next === this.cooldownUntil) return false;
    this.cooldownUntil = next;
    this.version += 1;
    this.updatedAt = now;
    this.emit(this.state, 'cooldown', 'local');
    return true;
  }

  /** Closes the circuit and clears any cooldown. */
  reset(): void {
    const from = this.state;
    this.failures = 0;
    this.cooldownUntil = null;
    this.enter('closed');
    this.version += 1;
    this.emit(from, 'reset', 'local');
  }

  /**
   * Adopts a state decided elsewhere when its version is newer (or equal, with
   * `replaceSameVersion`); returns whether it did.
   */
  applyRemoteState(snapshot: CircuitSnapshot, options: ApplyRemoteStateOptions = {}): boolean {
    if (snapshot.version < this.version) return false;
    if (snapshot.version === this.version && !options.replaceSameVersion) return false;
    const from = this.state;
    // A remote half_open is an open circuit past its deadline: the same rule applies here.
    this.enter(snapshot.state === 'half_open' ? 'open' : snapshot.state);
    this.version = snapshot.version;
    this.failures = snapshot.failures;
    this.cooldownUntil = snapshot.cooldownUntil;
    this.openedAt = snapshot.openedAt;
    this.openUntil = snapshot.openUntil;
    this.updatedAt = snapshot.updatedAt;
    this.emit(from, 'remote', 'remote');
    return true;
  }

  /** The current state as plain JSON. */
  snapshot(): CircuitSnapshot {
    return {
      state: this.currentState(),
      version: this.version,
      failures: this.failures,
      openedAt: this.openedAt,
      openUntil: this.openUntil,
      cooldownUntil: this.cooldownUntil,
      updatedAt: this.updatedAt,
    };
  }

  /** The state a call would meet now: an open circuit past its deadline reads `half_open`. */
  currentState(): CircuitStateName {
    if (this.state === 'open' && this.openUntil !== null && this.clock.now() >= this.openUntil) {
      return 'half_open';
    }
    return this.state;
  }

  /** Epoch ms from which the breaker admits calls (now, when it does already). */
  availableAt(): number {
    const now = this.clock.now();
    let at = now;
    if (this.cooldownUntil !== null) at = Math.max(at, this.cooldownUntil);
    if (this.state === 'open' && this.openUntil !== null) at = Math.max(at, this.openUntil);
    return at;
  }

  /** Installs (or, with `undefined`, removes) the cluster-wide probe admission check. */
  setProbeGate(gate: ProbeGate | undefined): void {
    this.probeGate = gate;
  }

  /** Installs (or, with `undefined`, removes) the cluster-wide failure counter. */
  setFailureCounter(counter: SharedFailureCounter | undefined): void {
    this.failureCounter = counter;
  }

  /**
   * The shared failure count of the closed state `version` reached the threshold: opens the
   * circuit (a local decision, broadcast like any other) when that state is still current.
   */
  tripShared(version: number): boolean {
    if (this.state !== 'closed' || this.version !== version) return false;
    this.decide('open', 'failure_threshold');
    return true;
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: CircuitChangeListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private permit(probe: boolean, now = 0, gate?: ProbeGate): Permit {
    const epoch = this.epoch;
    const slot: Probe | undefined = probe ? { acquiredAt: now, gate } : undefined;
    if (slot) this.probes.add(slot);
    let settled = false;
    const settle = (outcome: 'success' | 'failure' | 'release'): void => {
      if (settled) return;
      settled = true;
      if (slot && !this.probes.delete(slot)) return; // reclaimed or superseded
      if (epoch !== this.epoch) return;
      if (outcome === 'release') {
        slot?.gate?.release();
        return;
      }
      if (outcome === 'success') this.onSuccess();
      else this.onFailure();
    };
    return {
      ok: true,
      probe,
      success: () => settle('success'),
      failure: () => settle('failure'),
      release: () => settle('release'),
    };
  }

  private onSuccess(): void {
    if (this.state === 'half_open') {
      this.failures = 0;
      this.decide('closed', 'probe_succeeded');
    } else if (this.state === 'closed') {
      this.failures = 0;
      this.failureCounter?.success(this.version);
    }
  }

  private onFailure(): void {
    if (this.state === 'half_open') {
      this.decide('open', 'probe_failed');
    } else if (this.state === 'closed') {
      this.failures += 1;
      if (this.failures >= this.options.failureThreshold) this.decide('open', 'failure_threshold');
      else this.failureCounter?.failure(this.version);
    }
  }

  private reclaimStaleProbes(now: number): void {
    for (const probe of this.probes) {
      if (now - probe.acquiredAt >= this.options.probeTimeoutMs) this.probes.delete(probe);
    }
  }

  /** A decision: new state, new version. */
  private decide(to: CircuitStateName, reason: CircuitChangeReason): void {
    this.version += 1;
    this.transition(to, reason);
  }

  private transition(to: CircuitStateName, reason: CircuitChangeReason): void {
    const from = this.state;
    this.enter(to);
    this.emit(from, reason, 'local');
  }

  private enter(to: CircuitStateName): void {
    const now = this.clock.now();
    this.state = to;
    this.epoch += 1;
    this.probes.clear();
    this.updatedAt = now;
    if (to === 'open') {
      this.openedAt = now;
      this.openUntil = now + this.options.recoveryTimeoutMs;
    } else if (to === 'closed') {
      this.openedAt = null;
      this.openUntil = null;
    }
  }

  private emit(
    from: CircuitStateName,
    reason: CircuitChangeReason,
    source: 'local' | 'remote',
  ): void {
    if (this.listeners.length === 0) return;
    const event: CircuitChangeEvent = {
      provider: this.name,
      from,
      to: this.currentState(),
      reason,
      source,
      snapshot: this.snapshot(),
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must never break the request path.
      }
    }
  }
}
