import { createHash } from 'node:crypto';
import type { ChatRequest } from '../types/request.js';

/** Bumped whenever the key material changes, so old entries are simply never found. */
export const CACHE_KEY_VERSION = 1;

/** Request fields that never change the answer: transport, tracing, cache settings, identity. */
const IGNORED = new Set(['signal', 'correlationId', 'metadata', 'cache', 'user', 'model']);

/**
 * The cache key of a request: a SHA-256 over its normalized content (route, messages, tools,
 * sampling parameters, response format, provider options; object keys sorted, absent fields
 * dropped) and its scope. Fields are excluded by name, so a field added to requests later is part
 * of the key by default (a miss, never a wrong hit). Credentials are never part of a request.
 *
 * `scope` is the gateway key id under `scope: 'key'` (a hash or a configured name), or `*`.
 */
export function cacheKey(request: ChatRequest, route: string, scope: string): string {
  const parts: string[] = [`${CACHE_KEY_VERSION}`, JSON.stringify(scope), JSON.stringify(route)];
  const fields = Object.keys(request).sort();
  for (const field of fields) {
    if (IGNORED.has(field)) continue;
    const value = (request as Record<string, unknown>)[field];
    if (value === undefined) continue;
    parts.push(JSON.stringify(field), canonical(value));
  }
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('base64url');
  return `${scopeLabel(scope)}:${digest}`;
}

/** The scope as it appears in a key (Redis keys stay readable per tenant): safe characters only. */
const scopeLabel = (scope: string): string =>
  scope === '*' ? '*' : scope.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || '_';

/** JSON with object keys sorted and `undefined` members dropped, as JSON.stringify would. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i += 1) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' ? 'null' : canonical(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || typeof item === 'function') continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonical(item)}`;
    first = false;
  }
  return `${out}}`;
}
