import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';

/**
 * Kubernetes-style probes, unauthenticated and minimal (no provider names, no models):
 * `/livez` answers while the process runs; `/readyz` is 200 when at least one provider can serve
 * now, 503 when none can. Shared circuit state is reported (`sync`) but a degraded Redis does not
 * fail readiness: the client keeps serving from local state, and failing every worker's probe at
 * once would take the whole fleet out of rotation for an outage it rides through.
 */
export function registerProbes(app: FastifyInstance, client: ServableClient): void {
  app.get('/livez', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = client.getProviderStatus().some((p) => p.healthy);
    void reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', sync: client.getSyncStatus().health };
  });
}
