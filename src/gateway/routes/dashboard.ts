import type { FastifyInstance } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import { DASHBOARD_HTML } from '../dashboard/dashboard-page.js';

/** Nothing leaves the page: scripts and styles are inline, data comes from this origin only. */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /dashboard`: the live dashboard page (public: it holds no data), and `GET /dashboard/data`:
 * the figures it polls (behind the gateway key when keys are configured).
 */
export function registerDashboard(app: FastifyInstance, client: ServableClient): void {
  const { getDashboardFigures } = client;
  if (!getDashboardFigures) return;
  app.get('/dashboard', async (_request, reply) => {
    void reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff');
    return DASHBOARD_HTML;
  });
  app.get('/dashboard/data', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return getDashboardFigures.call(client);
  });
}
