import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';

/** Routes, providers and model ids (every name the router accepts), as OpenAI model objects. */
export function registerModels(app: FastifyInstance, client: ServableClient): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async () => {
    return {
      object: 'list',
      data: client
        .knownModels()
        .map((id) => ({ id, object: 'model', created, owned_by: 'flexiai' })),
    };
  });
}
