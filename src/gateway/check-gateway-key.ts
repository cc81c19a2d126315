import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../internal/secret.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>` against the configured gateway keys in constant time:
 * both sides are hashed to equal length first, and every key is compared (no early exit), so
 * neither the length nor the position of a match leaks through timing.
 */
export function createGatewayKeyCheck(
  keys: readonly Secret[],
): (authorization: string | undefined) => boolean {
  const digests = keys.map((key) => digest(key.reveal()));
  return (authorization) => {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1] ?? '';
    const candidate = digest(presented);
    let ok = false;
    for (const known of digests) ok = timingSafeEqual(candidate, known) || ok;
    return ok && presented !== '';
  };
}
