import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerSpan, ServerTracing } from '../observability/server-tracing.js';

/**
 * Opens a server span per gateway request (when tracing is on) and runs the route's handler
 * inside it, so the client's request and attempt spans become its children.
 */
export function traceRequests(
  app: FastifyInstance,
  tracing: () => ServerTracing | undefined,
): void {
  const spans = new WeakMap<FastifyRequest, ServerSpan>();
  app.addHook('onRequest', async (request) => {
    const server = tracing();
    if (!server) return;
    spans.set(
      request,
      server.start(request.method, request.url.split('?')[0] ?? '/', request.headers),
    );
  });
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function traced(this: unknown, request, reply) {
      const span = spans.get(request);
      return span
        ? span.run(() => handler.call(this as never, request, reply))
        : handler.call(this as never, request, reply);
    };
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    span.end(reply.statusCode, request.routeOptions.url);
  });
}
