import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import type { ConfigStatus } from '../../client/config-reload.js';

/** The configuration's load and reload outcome: times, counts, the refused paths; never a value. */
function healthConfig(status: ConfigStatus) {
  const last = status.lastReload;
  return {
    loadedAt: status.loadedAt,
    reloads: status.reloads,
    failedReloads: status.failedReloads,
    lastReload: last
      ? {
          at: last.at,
          ok: last.ok,
          ...(last.error !== undefined ? { error: last.error } : {}),
          ...(last.issues?.length ? { paths: last.issues.map((i) => i.path) } : {}),
        }
      : null,
  };
}

/**
 * Liveness and every provider's circuit state and sync status. 503 when no provider is available
 * (every one open, cooling down, misconfigured or disabled). Needs the gateway key when keys are
 * configured (it names providers and models); the minimal probes are /livez and /readyz.
 */
export function registerHealth(app: FastifyInstance, client: ServableClient): void {
  app.get('/health', async (_request, reply) => {
    const providers = client.getProviderStatus();
    const available = providers.filter((p) => p.healthy).length;
    const status =
      available === 0 ? 'unavailable' : available < providers.length ? 'degraded' : 'ok';
    void reply.code(available === 0 ? 503 : 200);
    return {
      status,
      providers: providers.map((p) => ({
        name: p.name,
        type: p.type,
        model: p.model,
        state: p.state,
        healthy: p.healthy,
        failures: p.failures,
        openUntil: p.openUntil,
        cooldownUntil: p.cooldownUntil,
        misconfigured: p.misconfigured,
        ...(p.rateLimited === undefined ? {} : { rateLimited: p.rateLimited }),
      })),
      sync: client.getSyncStatus(),
      ...(client.getConfigStatus ? { config: healthConfig(client.getConfigStatus()) } : {}),
    };
  });
}
