import type { Clock } from '../internal/clock.js';
import type { ProbeGate } from '../resilience/circuit-breaker.js';

export interface ProbeClaimHooks {
  /** A probe was admitted on a held slot: keep the claim for the probe's lifetime. */
  used(version: number): void;
  /** A probe was refused for want of a slot: claim one (asynchronously) for the next request. */
  demand(): void;
}

/**
 * The local half of the cluster-wide probe lock. The state sync claims a probe slot in the shared
 * store ahead of the request (when an open circuit's deadline comes, or when a refused request shows
 * demand) and grants it here; the breaker asks `tryAdmit()` synchronously on the request path and
 * never waits. While the shared store is unreachable (`shared()` false) the gate steps aside and the
 * local breaker alone limits probes.
 */
export class ProbeClaimGate implements ProbeGate {
  private tokens = 0;
  private expiresAt = 0;
  private grantedVersion: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly shared: () => boolean,
    private readonly hooks: ProbeClaimHooks,
  ) {}

  /** This worker holds a claimed probe slot for the open state `version` until `expiresAt`. */
  grant(version: number, expiresAt: number): void {
    this.grantedVersion = version;
    this.tokens = 1;
    this.expiresAt = expiresAt;
  }

  /** The held slot was extended for a probe in flight (no new probe comes with it). */
  extend(expiresAt: number): void {
    if (this.grantedVersion !== null) this.expiresAt = Math.max(this.expiresAt, expiresAt);
  }

  /** The circuit changed: any slot held belonged to the previous state. */
  clear(): void {
    this.grantedVersion = null;
    this.tokens = 0;
    this.expiresAt = 0;
  }

  /** The open-state version of the slot held now, or null. */
  heldFor(): number | null {
    return this.clock.now() < this.expiresAt ? this.grantedVersion : null;
  }

  tryAdmit(): boolean {
    if (!this.shared()) return true;
    const version = this.heldFor();
    if (version === null || this.tokens <= 0) {
      this.hooks.demand();
      return false;
    }
    this.tokens -= 1;
    this.hooks.used(version);
    return true;
  }

  release(): void {
    if (this.heldFor() !== null) this.tokens = 1;
  }
}
