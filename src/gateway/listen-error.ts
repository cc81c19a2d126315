import { ConfigurationError } from '../errors/configuration-error.js';

const REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another process listens there)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not available on this machine',
};

/**
 * The error of a gateway that cannot listen, said plainly: which host and port, why, and what to
 * change. Errors other than the known socket ones are returned as they are.
 */
export function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !(code in REASONS)) return error;
  return new ConfigurationError(
    `cannot listen on ${host}:${port}: ${REASONS[code]} (${code}); ` +
      'choose another with --host/--port or server.host/server.port',
    { cause: error },
  );
}
