import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from './all-providers-failed-error.js';
import { AuthenticationError } from './authentication-error.js';
import { CircuitOpenError } from './circuit-open-error.js';
import { FlexiAIError } from './flexiai-error.js';
import { classifyError, isRetryable } from './is-retryable.js';
import { ProviderError } from './provider-error.js';
import { RateLimitError } from './rate-limit-error.js';
import { TimeoutError } from './timeout-error.js';
import { ValidationError } from './validation-error.js';

const target = { provider: 'oa', model: 'gpt-4o-mini' };

describe('FlexiAIError hierarchy', () => {
  it('brands instances so isInstance works across copies and subclasses', () => {
    const error = new RateLimitError('HTTP 429', { ...target, status: 429, retryAfterMs: 2000 });
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(FlexiAIError.isInstance(error)).toBe(true);
    expect(AuthenticationError.isInstance(error)).toBe(false);
    expect(error.name).toBe('RateLimitError');
    expect(error.code).toBe('rate_limit_error');
    // A structurally identical object from another copy of the package carries the same brand.
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('flexiai.error.kinds')]: ['RateLimitError'],
    });
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(FlexiAIError.isInstance(new Error('x'))).toBe(false);
    expect(FlexiAIError.isInstance(null)).toBe(false);
  });

  it('carries provider, model, status, request id and retry facts', () => {
    const error = new ProviderError('HTTP 503', {
      ...target,
      status: 503,
      requestId: 'req_1',
      upstreamType: 'overloaded',
    });
    expect(error.message).toBe('oa (gpt-4o-mini): HTTP 503');
    expect(error.toJSON()).toEqual({
      name: 'ProviderError',
      code: 'provider_error',
      message: 'oa (gpt-4o-mini): HTTP 503',
      provider: 'oa',
      model: 'gpt-4o-mini',
      retryable: true,
      status: 503,
      requestId: 'req_1',
      upstreamType: 'overloaded',
    });
  });

  it('serializes causes without their internals', () => {
    const socketError = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      socket: { secret: 'x' },
    });
    const error = new TimeoutError('connect', 5000, { ...target, cause: socketError });
    const json = JSON.parse(JSON.stringify(error));
    expect(json.cause).toEqual({
      name: 'Error',
      message: 'connect ECONNREFUSED',
      code: 'ECONNREFUSED',
    });
    expect(json.phase).toBe('connect');
  });

  it('aggregates every attempt in order', () => {
    const attempts = [
      {
        provider: 'a',
        model: 'm',
        ok: false,
        latencyMs: 3,
        status: 500,
        error: new ProviderError('HTTP 500', { provider: 'a', model: 'm', status: 500 }),
      },
      {
        provider: 'b',
        model: 'n',
        ok: false,
        latencyMs: 0,
        skipped: 'circuit_open' as const,
        error: new CircuitOpenError('b', 'circuit_open', 0),
      },
    ];
    const error = new AllProvidersFailedError(attempts, 1500);
    expect(error.message).toBe(
      'All providers failed:\n  - a (m): HTTP 500\n  - b: circuit open until 1970-01-01T00:00:00.000Z',
    );
    const json = error.toJSON() as { attempts: unknown[]; retryAfterMs: number };
    expect(json.retryAfterMs).toBe(1500);
    expect(json.attempts).toHaveLength(2);
    expect(error.cause).toBe(attempts[1]?.error);
    expect(inspect(error)).toContain('All providers failed');
  });

  it('names the bad field of a request', () => {
    const error = new ValidationError([{ path: 'messages.0.role', message: 'Invalid input' }]);
    expect(error.path).toBe('messages.0.role');
    expect(error.message).toBe('Invalid request:\n  - messages.0.role: Invalid input');
  });
});

describe('classification (is-retryable.ts)', () => {
  const http = (status: number, extra = {}) =>
    new ProviderError(`HTTP ${status}`, { ...target, status, ...extra });

  it.each([
    [400, 'caller', false],
    [404, 'caller', false],
    [413, 'caller', false],
    [422, 'caller', false],
    [401, 'auth', false],
    [403, 'auth', false],
    [429, 'rate_limit', true],
    [408, 'transient', true],
    [500, 'transient', true],
    [502, 'transient', true],
    [503, 'transient', true],
    [529, 'transient', true],
  ] as const)('HTTP %i is %s (retryable %s)', (status, failureClass, retryable) => {
    expect(classifyError(http(status))).toBe(failureClass);
    expect(isRetryable(http(status))).toBe(retryable);
  });

  it('x-should-retry: false wins', () => {
    expect(isRetryable(http(503, { shouldRetry: false }))).toBe(false);
  });

  it('transport failures are transient; aborts are aborts; unknown errors are transient', () => {
    expect(classifyError(new TimeoutError('first_byte', 10, target))).toBe('transient');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(classifyError(abort)).toBe('aborted');
    expect(classifyError(new TypeError('bug'))).toBe('transient');
  });
});

describe('OverloadedError', () => {
  it('is its own failure class (overload), retryable elsewhere', async () => {
    const { OverloadedError } = await import('./overloaded-error.js');
    const error = new OverloadedError('queue_timeout', { provider: 'oa', retryAfterMs: 1500 });
    expect(error.code).toBe('overloaded');
    expect(classifyError(error)).toBe('overload');
    expect(isRetryable(error)).toBe(true);
    expect(error.toJSON()).toEqual({
      name: 'OverloadedError',
      code: 'overloaded',
      message: 'oa: overloaded, no free slot within the queue deadline',
      reason: 'queue_timeout',
      provider: 'oa',
      retryAfterMs: 1500,
    });
  });
});
