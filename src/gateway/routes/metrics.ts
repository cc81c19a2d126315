import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import type { MetricsSnapshot } from '../../observability/metrics-snapshot.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../../observability/prometheus-text.js';

export interface MetricsRouteOptions {
  /**
   * Every worker's metrics merged (set by `flexiai serve --workers`): `/metrics` serves this, and
   * `/metrics?scope=worker` the answering worker's own.
   */
  aggregate?: () => Promise<MetricsSnapshot>;
}

/** `GET /metrics`: the Prometheus text exposition of the client's metrics. */
export function registerMetrics(
  app: FastifyInstance,
  client: ServableClient,
  options: MetricsRouteOptions = {},
): void {
  const { getMetrics } = client;
  if (!getMetrics) return;
  app.get('/metrics', async (request, reply) => {
    const scope = (request.query as { scope?: string }).scope;
    const snapshot =
      options.aggregate && scope !== 'worker' ? await options.aggregate() : getMetrics.call(client);
    void reply.header('content-type', PROMETHEUS_CONTENT_TYPE).header('cache-control', 'no-store');
    return renderPrometheus(snapshot.families);
  });
}
