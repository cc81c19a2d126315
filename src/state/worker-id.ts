import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A worker id unique across hosts and restarts: `host:pid:random`. */
export function createWorkerId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) || 'host';
  return `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
