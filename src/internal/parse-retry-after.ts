type HeaderValue = string | string[] | undefined;
export type HeaderBag = Record<string, HeaderValue>;

const first = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * How long the upstream asked us to wait, in milliseconds, or undefined when it did not say.
 * Precedence follows openai-node: `retry-after-ms`, then `retry-after` as seconds, then as an HTTP date.
 * Header names must be lower-case (as Node and undici deliver them).
 */
export function parseRetryAfter(headers: HeaderBag, nowMs: number): number | undefined {
  const ms = first(headers['retry-after-ms'])?.trim();
  if (ms) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }
  const raw = first(headers['retry-after'])?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw) * 1000);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
