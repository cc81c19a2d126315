import type * as Api from '@opentelemetry/api';

/** The `@opentelemetry/api` module (an optional peer dependency). */
export type OtelApi = typeof Api;

/**
 * Loads `@opentelemetry/api` when tracing is configured. Absent, tracing stays off (a no-op) and
 * `undefined` is returned; nothing is imported when tracing is not configured.
 */
export async function loadOtelApi(): Promise<OtelApi | undefined> {
  try {
    return (await import('@opentelemetry/api')) as OtelApi;
  } catch {
    return undefined;
  }
}
