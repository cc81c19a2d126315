import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayKeyConfig } from '../config/config-schema.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** A gateway key's id in events, metrics and logs: `key-` and 12 hex digits of its SHA-256; never the key. */
export const gatewayKeyId = (key: string): string =>
  `key-${digest(key).toString('hex').slice(0, 12)}`;

/** A configured key's id: its name when it has one, else its hash id. */
export const configuredKeyId = (entry: GatewayKeyConfig): string =>
  'name' in entry ? entry.name : gatewayKeyId(entry.reveal());

/** The secret of a configured gateway key, named or not. */
export const gatewayKeySecret = (entry: GatewayKeyConfig): string =>
  'name' in entry ? entry.key.reveal() : entry.reveal();

/**
 * Checks `Authorization: Bearer <key>` against the configured gateway keys in constant time:
 * both sides are hashed to equal length first, and every key is compared (no early exit), so
 * neither the length nor the position of a match leaks through timing. Returns the matching key's
 * id (a named key's name, else `key-` and a hash), or `undefined` when none matches.
 */
export function createGatewayKeyCheck(
  keys: readonly GatewayKeyConfig[],
): (authorization: string | undefined) => string | undefined {
  const known = keys.map((entry) => ({
    digest: digest(gatewayKeySecret(entry)),
    id: configuredKeyId(entry),
  }));
  return (authorization) => {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1] ?? '';
    const candidate = digest(presented);
    let match: string | undefined;
    for (const key of known) {
      if (timingSafeEqual(candidate, key.digest)) match ??= key.id;
    }
    return presented === '' ? undefined : match;
  };
}
