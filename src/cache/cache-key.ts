import { hash } from 'node:crypto';
import type { ChatRequest } from '../types/request.js';

/** Bumped whenever the key material changes, so old entries are simply never found. */
export const CACHE_KEY_VERSION = 1;

/** Request fields that never change the answer: transport, tracing, cache settings, identity. */
const IGNORED = new Set(['signal', 'correlationId', 'metadata', 'cache', 'user', 'model']);

/** Fields holding free-form objects (JSON schemas, provider options), whose key order is the caller's. */
const FREE_FORM = new Set(['tools', 'responseFormat', 'providerOptions']);

/**
 * The cache key of a request: a SHA-256 over its normalized content (route, messages, tools,
 * sampling parameters, response format, provider options) and its scope. Requests reach the cache
 * validated, so their fields come in the schema's order; free-form objects (tool parameter
 * schemas, provider options) have their keys sorted, and absent fields are dropped. Fields are
 * excluded by name, so a field added to requests later is part of the key by default (a miss,
 * never a wrong hit). Credentials are never part of a request.
 *
 * `scope` is the gateway key id under `scope: 'key'` (a hash or a configured name), or `*`.
 */
export function cacheKey(request: ChatRequest, route: string, scope: string): string {
  const material: Record<string, unknown> = { v: CACHE_KEY_VERSION, scope, route };
  for (const field in request) {
    if (IGNORED.has(field)) continue;
    const value = (request as Record<string, unknown>)[field];
    if (value === undefined) continue;
    material[field] = FREE_FORM.has(field) ? sortKeys(value) : value;
  }
  return `${scopeLabel(scope)}:${hash('sha256', JSON.stringify(material), 'base64url')}`;
}

/** The scope as it appears in a key (Redis keys stay readable per tenant): safe characters only. */
const scopeLabel = (scope: string): string =>
  scope === '*' || SAFE_SCOPE.test(scope)
    ? scope
    : scope.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || '_';
const SAFE_SCOPE = /^[A-Za-z0-9_.-]{1,64}$/;

/** A copy with every object's keys in sorted order (arrays keep theirs). */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = sortKeys(record[key]);
  return sorted;
}
