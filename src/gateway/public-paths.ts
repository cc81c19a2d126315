import type { ServerConfig } from '../config/config-schema.js';

/**
 * Paths served without the gateway key: the minimal probes, the dashboard's page (an empty shell:
 * its data comes from /dashboard/data, which needs the key), and /metrics when
 * `server.metrics.public` is set. The detailed /health needs the key like everything else.
 */
export function publicPaths(server: Pick<ServerConfig, 'metrics'>): (url: string) => boolean {
  const paths = new Set(['/livez', '/readyz', '/dashboard']);
  if (server.metrics.public) paths.add('/metrics');
  return (url) => {
    const q = url.indexOf('?');
    return paths.has(q === -1 ? url : url.slice(0, q));
  };
}
