import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { ServableClient } from '../client/chat-client.js';
import type { ServerConfig } from '../config/config-schema.js';
import { createCorrelationId } from '../internal/ids.js';
import type { Logger } from '../internal/logger.js';
import { createGatewayKeyCheck } from './check-gateway-key.js';
import { closeUnread } from './close-unread.js';
import { mapErrorToHttp, openAIErrorBody } from './map-error-to-http.js';
import { ShedLog } from './shed-log.js';
import { setRequestKeyId } from './request-key-id.js';
import { publicPaths } from './public-paths.js';
import { registerChatCompletions } from './routes/chat-completions.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerEmbeddings } from './routes/embeddings.js';
import { registerHealth } from './routes/health.js';
import { registerResponses } from './routes/responses.js';
import { registerMetrics, type MetricsRouteOptions } from './routes/metrics.js';
import { registerModels } from './routes/models.js';
import { registerProbes } from './routes/probes.js';
import { traceRequests } from './trace-requests.js';

export interface GatewayOptions {
  client: ServableClient;
  logger: Logger;
  /** Defaults to the client's `server` section. */
  server?: ServerConfig;
  /** How /metrics aggregates across cluster workers (`flexiai serve --workers`). */
  metrics?: MetricsRouteOptions;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The OpenAI-compatible gateway as a Fastify instance (not listening yet): routes, gateway-key
 * auth checked before the body is read, body limit, timeouts, and one error mapping.
 */
export function createGateway(options: GatewayOptions): FastifyInstance {
  const server = options.server ?? options.client.config.server;
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: server.bodyLimitBytes,
    requestTimeout: server.requestTimeoutMs,
    keepAliveTimeout: server.keepAliveTimeoutMs,
    http: {
      headersTimeout: server.headersTimeoutMs,
      // Node checks request deadlines on this interval; keep it fine enough for requestTimeoutMs.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1_000, Math.floor(server.requestTimeoutMs / 4)),
      ),
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming)
        ? incoming
        : createCorrelationId();
    },
  });

  const { client } = options;
  if (client.serverTracing) traceRequests(app, () => client.serverTracing?.());
  // Keys and public paths follow the client's configuration (hot reload), unless the caller
  // fixed the server section; rebuilt only when that section changes.
  let checked: ServerConfig | undefined;
  let keyCheck: ((authorization: string | undefined) => string | undefined) | undefined;
  let isPublic: (url: string) => boolean = () => false;
  const keyed = server.apiKeys.length > 0;
  const access = (): void => {
    const current = options.server ? server : client.config.server;
    if (current === checked) return;
    checked = current;
    if (keyed && current.apiKeys.length === 0) {
      // A gateway started with keys may listen beyond loopback: never open it up on reload.
      options.logger.error(
        'server.apiKeys is empty after a reload: the previous gateway keys stay in force (a keyless gateway needs a restart)',
      );
    } else {
      keyCheck = current.apiKeys.length ? createGatewayKeyCheck(current.apiKeys) : undefined;
    }
    isPublic = publicPaths(current);
  };
  access();
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    access();
    if (!keyCheck || isPublic(request.url)) return;
    // Runs before the body is read: a wrong key costs no body parsing.
    const keyId = keyCheck(request.headers.authorization);
    if (keyId === undefined) {
      // Answer, then close the connection without reading the body (see closeUnread).
      void reply.code(401).header('www-authenticate', 'Bearer').header('connection', 'close');
      closeUnread(request.raw.socket, reply.raw);
      return reply.send(
        openAIErrorBody(
          'Invalid or missing gateway key (Authorization: Bearer <key>)',
          'invalid_request_error',
          'invalid_api_key',
        ),
      );
    }
    setRequestKeyId(request, keyId);
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        correlationId: request.id,
        method: request.method,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        provider: reply.getHeader('x-flexiai-provider'),
        ms: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  });

  const shedLog = new ShedLog(options.logger);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (typeof error.statusCode === 'number' && error.code?.startsWith('FST_')) {
      const status = error.statusCode;
      const code =
        status === 413
          ? 'request_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : 'invalid_request';
      return reply.code(status).send(openAIErrorBody(error.message, 'invalid_request_error', code));
    }
    if (error instanceof SyntaxError || error instanceof RangeError) {
      return reply
        .code(400)
        .send(
          openAIErrorBody(
            'The request body is not valid JSON',
            'invalid_request_error',
            'invalid_json',
          ),
        );
    }
    const mapped = mapErrorToHttp(error);
    if (mapped.status >= 500 && !shedLog.record(error, request.id))
      request.log.warn(
        { correlationId: request.id, code: (error as { code?: string }).code },
        error.message,
      );
    return reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        openAIErrorBody(
          `No route for ${request.method} ${request.url.split('?')[0]}`,
          'invalid_request_error',
          'not_found',
        ),
      ),
  );

  registerChatCompletions(app, options.client);
  registerResponses(app, options.client);
  registerModels(app, options.client);
  if (client.embed) registerEmbeddings(app, { embed: client.embed.bind(client) });
  registerHealth(app, options.client);
  registerProbes(app, options.client);
  registerMetrics(app, options.client, options.metrics);
  registerDashboard(app, options.client);
  return app;
}
