import type { IncomingHttpHeaders } from 'node:http';

/** The first value of a response header, if present. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `x-should-retry: true|false`, the upstream's explicit retry hint. */
export function shouldRetryHint(headers: IncomingHttpHeaders): boolean | undefined {
  const value = header(headers, 'x-should-retry');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
