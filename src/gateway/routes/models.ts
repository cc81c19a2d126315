import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import { ModelNotFoundError } from '../../errors/model-not-found-error.js';
import { mapErrorToHttp } from '../map-error-to-http.js';

/**
 * Routes, providers and model ids, as OpenAI model objects: exactly the names the router accepts
 * (`knownModels`), so a listed id always works and an id that works is listed — besides
 * `provider/model`, which `GET /v1/models/{id}` also answers for any enabled provider.
 */
export function registerModels(app: FastifyInstance, client: ServableClient): void {
  const created = Math.floor(Date.now() / 1000);
  const model = (id: string) => ({ id, object: 'model', created, owned_by: 'flexiai' });

  app.get('/v1/models', async () => ({ object: 'list', data: client.knownModels().map(model) }));

  const retrieve = async (id: string, reply: FastifyReply) => {
    if (accepts(client, id)) return model(id);
    const mapped = mapErrorToHttp(new ModelNotFoundError(id, client.knownModels()));
    return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  };
  // `*`: an id with a slash (`provider/model`) may arrive encoded or not.
  app.get<{ Params: { '*': string } }>('/v1/models/*', async (request, reply) =>
    retrieve(decodeURIComponent(request.params['*']), reply),
  );
}

function accepts(client: ServableClient, id: string): boolean {
  if (client.knownModels().includes(id)) return true;
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return false;
  const provider = id.slice(0, slash);
  return client.getProviderStatus().some((p) => p.enabled && p.name === provider);
}
