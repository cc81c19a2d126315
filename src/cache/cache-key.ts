import { hash } from 'node:crypto';
import type { ChatRequest } from '../types/request.js';

/** Bumped whenever the key material changes, so old entries are simply never found. */
export const CACHE_KEY_VERSION = 2;

/**
 * Key material up to this many characters is the key itself in a store that keeps keys in this
 * process (memory): compared whole, no hash to compute. Longer material is hashed everywhere, so
 * a long prompt does not keep a second copy of itself in the cache.
 */
export const EXACT_KEY_MAX_CHARS = 512;

/** Request fields that never change the answer: transport, tracing, cache settings, identity. */
const IGNORED = new Set(['signal', 'correlationId', 'metadata', 'cache', 'user', 'model']);

/** Fields holding free-form objects (JSON schemas, provider options), whose key order is the caller's. */
const FREE_FORM = new Set(['tools', 'responseFormat', 'providerOptions']);

/**
 * The normalized content of a request as one string: route, messages, tools, sampling parameters,
 * response format, provider options, and the scope. Every part is tagged and length-prefixed, so
 * two different requests never make the same string. Requests reach the cache validated, so their
 * fields come in the schema's order; free-form objects (tool parameter schemas, provider options)
 * have their keys sorted, and absent fields are dropped. Fields are excluded by name, so a field
 * added to requests later is part of the key by default (a miss, never a wrong hit). Credentials
 * are never part of a request.
 *
 * The common message (a role and a string) is written as it is; any other as its JSON. It starts
 * with `#`, which no hashed key does (see `hashedKey`).
 *
 * `scope` is the gateway key id under `scope: 'key'` (a hash or a configured name), or `*`.
 */
export function keyMaterial(request: ChatRequest, route: string, scope: string): string {
  const parts = [`#${CACHE_KEY_VERSION}|`, part(scope), part(route)];
  for (const field in request) {
    if (IGNORED.has(field)) continue;
    const value = (request as Record<string, unknown>)[field];
    if (value === undefined) continue;
    parts.push(part(field));
    if (field === 'messages' && Array.isArray(value)) {
      messageParts(value, parts);
    } else {
      parts.push(part(String(JSON.stringify(FREE_FORM.has(field) ? sortKeys(value) : value))));
    }
  }
  // One flat string: a key built with `+=` would stay a rope of a dozen small strings, kept as
  // such by the Map that stores it (three times the memory, and slower to hash and compare).
  return parts.join('');
}

/**
 * The key of a request in a store shared beyond this process (Redis, a store of your own): the
 * scope, readable, and a SHA-256 of the key material. The test suite and operators use it to find
 * an entry.
 */
export function cacheKey(request: ChatRequest, route: string, scope: string): string {
  return hashedKey(scope, keyMaterial(request, route, scope));
}

/** `<scope>:<SHA-256 of the material, base64url>`. */
export function hashedKey(scope: string, material: string): string {
  return [scopeLabel(scope), ':', hash('sha256', material, 'base64url')].join('');
}

/** A string as `<length>:<string>`: a part that cannot run into the next one. */
const part = (value: string): string => `${value.length}:${value}`;

/** Messages, counted; a plain one (role and string content only) as `m<role><content>`, others as JSON. */
function messageParts(messages: readonly unknown[], parts: string[]): void {
  parts.push(`${messages.length}[`);
  for (const message of messages) {
    const m = message as { role?: unknown; content?: unknown };
    if (isPlainMessage(m) && typeof m.role === 'string' && typeof m.content === 'string') {
      parts.push('m', part(m.role), part(m.content));
    } else {
      parts.push('j', part(String(JSON.stringify(message))));
    }
  }
}

/** Whether a message has no field but `role` and `content` (no allocation, unlike Object.keys). */
function isPlainMessage(message: object): boolean {
  for (const field in message) {
    if (field !== 'role' && field !== 'content') return false;
  }
  return true;
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
