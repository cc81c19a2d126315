import type { FastifyInstance } from 'fastify';
import type { FlexiAI } from '../../client/flexiai.js';

/** Routes, providers and model ids, as OpenAI model objects. */
export function registerModels(app: FastifyInstance, client: FlexiAI): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async () => {
    const ids = new Set<string>(['default', ...Object.keys(client.config.routes)]);
    for (const provider of client.getProviderStatus()) {
      if (!provider.enabled) continue;
      ids.add(provider.name);
      ids.add(provider.model);
    }
    return {
      object: 'list',
      data: [...ids].map((id) => ({ id, object: 'model', created, owned_by: 'flexiai' })),
    };
  });
}
