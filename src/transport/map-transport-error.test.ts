import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { mapTransportError } from './map-transport-error.js';

const target = { provider: 'p', model: 'm' };
const timeouts = { connectMs: 11, firstByteMs: 22, idleMs: 33, totalMs: 44 };
const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('mapTransportError', () => {
  it("undici's own timeouts become TimeoutErrors of the right phase and duration", () => {
    const cases = [
      ['UND_ERR_CONNECT_TIMEOUT', 'connect', 11],
      ['UND_ERR_HEADERS_TIMEOUT', 'first_byte', 22],
      ['UND_ERR_BODY_TIMEOUT', 'idle', 33],
    ] as const;
    for (const [code, phase, ms] of cases) {
      const error = mapTransportError(withCode(code), target, timeouts);
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).phase).toBe(phase);
      expect(error.message).toContain(`${ms} ms`);
      expect((error as TimeoutError).provider).toBe('p');
    }
  });

  it('socket errors become ConnectionErrors with a plain reason, by code or by the cause code', () => {
    const refused = mapTransportError(withCode('ECONNREFUSED'), target, timeouts);
    expect(ConnectionError.isInstance(refused)).toBe(true);
    expect(refused.message).toBe('p (m): connection refused');
    // undici wraps socket errors: the code is on the cause.
    const wrapped = new Error('fetch failed', { cause: withCode('ECONNRESET') });
    expect(mapTransportError(wrapped, target, timeouts).message).toContain(
      'connection reset by peer',
    );
    expect(mapTransportError(withCode('UND_ERR_SOCKET'), target, timeouts).message).toContain(
      'connection closed by the server',
    );
  });

  it('an unknown code: a ConnectionError carrying the message and the code', () => {
    const error = mapTransportError(withCode('EWEIRD', 'strange'), target, timeouts);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.message).toBe('p (m): transfer failed: strange (EWEIRD)');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('an AbortError without a code is the caller aborting, not a provider failure', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(AbortedError.isInstance(mapTransportError(abort, target, timeouts))).toBe(true);
  });

  it('something that is not an Error at all still becomes a ConnectionError', () => {
    const error = mapTransportError('socket hang up', target, timeouts);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.message).toBe('p (m): transfer failed: socket hang up');
    expect(mapTransportError(null, target, timeouts).message).toContain('transfer failed: null');
  });

  it('FlexiAI errors pass through unchanged', () => {
    const limited = new RateLimitError('slow down', { ...target, status: 429 });
    expect(mapTransportError(limited, target, timeouts)).toBe(limited);
  });
});
