import { redactSecrets } from '../../internal/redact.js';
import { MAX_UPSTREAM_TEXT } from './upstream-text.js';

/** Fields of FlexiAI errors that may hold text from upstream. */
const TEXT_FIELDS = [
  'message',
  'stack',
  'upstreamType',
  'upstreamCode',
  'requestId',
  'body',
] as const;

/** Longest message an error leaving an adapter keeps (the upstream part is capped before). */
const MAX_MESSAGE = MAX_UPSTREAM_TEXT + 1024;

/**
 * The last line of defence of "redaction by value": every error leaving a built-in adapter passes
 * through this with the secrets of its call. Whatever the mappers already did, any string field
 * that may carry upstream text (message, stack, upstream type and code, request id, body excerpt),
 * along the cause chain, is redacted of every secret (and credential-shaped token) and capped.
 * In place: the error keeps its class and identity. Returns `error`.
 */
export function scrubErrorSecrets<E>(error: E, secrets: readonly string[]): E {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    const target = current as Record<string, unknown>;
    for (const field of TEXT_FIELDS) {
      const value = target[field];
      if (typeof value !== 'string') continue;
      let clean = redactSecrets(value, secrets);
      if (field === 'message' && clean.length > MAX_MESSAGE)
        clean = `${clean.slice(0, MAX_MESSAGE)}… [truncated: ${value.length} characters in all]`;
      if (clean !== value) {
        try {
          Object.defineProperty(target, field, {
            value: clean,
            writable: true,
            configurable: true,
            enumerable: Object.prototype.propertyIsEnumerable.call(target, field),
          });
        } catch {
          // A frozen foreign object: nothing we can do, and nothing of ours is frozen.
        }
      }
    }
    current = target.cause;
  }
  return error;
}

/** An event stream whose errors are scrubbed (see scrubErrorSecrets) as they leave it. */
export async function* scrubStreamErrors<T>(
  source: AsyncIterable<T>,
  secrets: readonly string[],
): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw scrubErrorSecrets(error, secrets);
  }
}
