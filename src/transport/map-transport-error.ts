import { AbortedError } from '../errors/aborted-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import type { ProviderErrorOptions } from '../errors/provider-error.js';
import { TimeoutError } from '../errors/timeout-error.js';

/** Who is being called, for the errors a failed transfer becomes. */
export interface CallTarget {
  provider: string;
  model: string;
}

export interface TransportTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
}

const CONNECTION_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_DESTROYED: 'connection destroyed',
  HPE_INVALID_CONSTANT: 'invalid HTTP response',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response shorter than its Content-Length',
};

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === 'string' ? causeCode : undefined;
}

/**
 * Turns whatever a transfer threw (undici and socket errors, our own abort reasons) into a typed
 * FlexiAI error. Errors that are already FlexiAI errors pass through.
 */
export function mapTransportError(
  error: unknown,
  target: CallTarget,
  timeouts: TransportTimeouts,
): FlexiAIError {
  if (FlexiAIError.isInstance(error)) return error;
  const options: ProviderErrorOptions = { ...target, cause: error };
  const code = errorCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TimeoutError('connect', timeouts.connectMs, options);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TimeoutError('first_byte', timeouts.firstByteMs, options);
    case 'UND_ERR_BODY_TIMEOUT':
      return new TimeoutError('idle', timeouts.idleMs, options);
    case undefined:
      break;
    default: {
      const message = CONNECTION_MESSAGES[code];
      if (message) return new ConnectionError(message, options);
    }
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new AbortedError(undefined, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectionError(`transfer failed: ${detail}${code ? ` (${code})` : ''}`, options);
}
