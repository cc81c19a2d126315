/**
 * Every key and the channel of one deployment. A provider's keys share a hash tag (`{name}`) so
 * the compare-and-set script touches one Redis Cluster slot.
 */
export interface RedisKeys {
  /** The provider's circuit record (JSON), the source of truth. */
  state(provider: string): string;
  /** The highest version ever stored for the provider; outlives an expired record. */
  versionFloor(provider: string): string;
  /** Slot `slot` of the cluster-wide probe lock for the open state `version`. */
  probe(provider: string, version: number, slot: number): string;
  /** Failures counted cluster-wide against the closed state `version`. */
  failures(provider: string, version: number): string;
  /** Sorted set of live workers, scored by their last heartbeat (Redis time). */
  readonly workers: string;
  readonly channel: string;
}

export function createRedisKeys(prefix: string, channel?: string): RedisKeys {
  return {
    state: (provider) => `${prefix}circuit:{${provider}}`,
    versionFloor: (provider) => `${prefix}circuit-version:{${provider}}`,
    probe: (provider, version, slot) => `${prefix}probe:{${provider}}:${version}:${slot}`,
    failures: (provider, version) => `${prefix}failures:{${provider}}:${version}`,
    workers: `${prefix}workers`,
    channel: channel ?? `${prefix}circuit-events`,
  };
}
