import type { Span } from '@opentelemetry/api';
import type { OtelApi } from './otel-api.js';

/** One gateway request's server span: run the route inside it, end it with the status. */
export interface ServerSpan {
  run<T>(fn: () => T): T;
  end(statusCode: number, route?: string): void;
}

/** What the gateway needs to open server spans (present only when tracing is on). */
export interface ServerTracing {
  start(method: string, path: string, headers: Record<string, unknown>): ServerSpan;
}

const headerGetter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string) => {
    const value = carrier[key.toLowerCase()];
    return typeof value === 'string' || Array.isArray(value)
      ? (value as string | string[])
      : undefined;
  },
};

/**
 * Server spans for the gateway: continues an incoming `traceparent` (W3C, via the globally
 * registered propagator) or the span already active (an HTTP auto-instrumentation's), and runs
 * the route inside it with `context.with`, so request spans become its children.
 */
export function createServerTracing(api: OtelApi, version: string): ServerTracing {
  return {
    start(method, path, headers) {
      const tracer = api.trace.getTracer('flexiai', version);
      const parent = api.propagation.extract(api.context.active(), headers, headerGetter);
      const span: Span = tracer.startSpan(
        `${method} ${path}`,
        {
          kind: api.SpanKind.SERVER,
          attributes: { 'http.request.method': method, 'url.path': path },
        },
        parent,
      );
      const ctx = api.trace.setSpan(parent, span);
      return {
        run: (fn) => api.context.with(ctx, fn),
        end(statusCode, route) {
          span.setAttribute('http.response.status_code', statusCode);
          if (route) {
            span.setAttribute('http.route', route);
            span.updateName(`${method} ${route}`);
          }
          if (statusCode >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}
