import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../client/chat-client.js';
import type { ServerConfig } from '../config/config-schema.js';
import type { Logger } from '../internal/logger.js';
import { createGateway } from './create-gateway.js';
import type { MetricsRouteOptions } from './routes/metrics.js';
import { listenError } from './listen-error.js';
import { InFlightResponses } from './in-flight-responses.js';

export interface StartGatewayOptions {
  client: ServableClient;
  logger: Logger;
  host?: string;
  port?: number;
  /** How /metrics aggregates across cluster workers. */
  metrics?: MetricsRouteOptions;
}

export interface RunningGateway {
  app: FastifyInstance;
  /** `http://host:port` */
  url: string;
  /**
   * Stops accepting; closes idle keep-alive connections at once and each busy one as its response
   * ends; resolves as soon as nothing is in flight. At `shutdownTimeoutMs`, what still runs ends
   * with a well-formed error (streams: an SSE error event) and its connection is closed.
   */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Starts the gateway. With no gateway keys configured it binds to loopback only, and says so: an
 * open, keyless gateway on a network interface would hand out your provider credits.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const configured = options.client.config.server;
  const server: ServerConfig = {
    ...configured,
    host: options.host ?? configured.host,
    port: options.port ?? configured.port,
  };
  if (server.apiKeys.length === 0 && !LOOPBACK.has(server.host)) {
    options.logger.warn(
      { requestedHost: server.host },
      `no gateway keys configured (server.apiKeys): binding to 127.0.0.1 instead of ${server.host}`,
    );
    server.host = '127.0.0.1';
  } else if (server.apiKeys.length === 0) {
    options.logger.info(
      'no gateway keys configured: listening on loopback only, without authentication',
    );
  }
  // Keys (and the other per-request settings) follow hot reloads of the client's configuration;
  // only the listening address and the server's limits and timeouts are fixed here.
  const app = createGateway({
    client: options.client,
    logger: options.logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const inFlight = new InFlightResponses(app.server);
  try {
    await app.listen({ host: server.host, port: server.port });
  } catch (error) {
    await app.close();
    throw listenError(error, server.host, server.port);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : server.port;
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return {
    app,
    url: `http://${host}:${port}`,
    close: () => inFlight.shutdown(() => app.close(), server.shutdownTimeoutMs),
  };
}
