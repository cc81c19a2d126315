import { redactSecrets } from '../../internal/redact.js';

/** The most of one upstream error string (message, type, code, ...) FlexiAI keeps. */
export const MAX_UPSTREAM_TEXT = 8 * 1024;
/** Identifiers (error type, code, status name) are short; anything longer is cut. */
export const MAX_UPSTREAM_IDENTIFIER = 256;

/**
 * One string taken from an upstream error, safe to keep on an error, in a response, a log line, a
 * metric or Redis: every configured secret (and anything shaped like a credential) redacted by
 * value, then capped at `max` characters with a marker saying how long it was. Redaction runs
 * before the cut, on a window a little longer than what is kept, so a secret straddling the cut is
 * still removed whole.
 */
export function cleanUpstreamText(
  text: string,
  secrets: readonly string[],
  max: number = MAX_UPSTREAM_TEXT,
): string {
  const longest = secrets.reduce((n, s) => Math.max(n, s.length), 0);
  const window = text.length > max ? text.slice(0, max + longest + 1024) : text;
  const clean = redactSecrets(window, secrets);
  if (text.length <= max && clean.length <= max) return clean;
  return `${clean.slice(0, max)}… [truncated: ${text.length} characters in all]`;
}

/** `cleanUpstreamText` for an optional string; identifiers use the shorter cap. */
export function cleanUpstreamField(
  value: string | undefined,
  secrets: readonly string[],
  max: number = MAX_UPSTREAM_IDENTIFIER,
): string | undefined {
  return value === undefined ? undefined : cleanUpstreamText(value, secrets, max);
}
