import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { BudgetExceededError } from '../errors/budget-exceeded-error.js';
import { ClientClosedError } from '../errors/client-closed-error.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { ContentFilterError } from '../errors/content-filter-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { MiddlewareError } from '../errors/middleware-error.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Attempt } from '../types/attempt.js';
import { mapErrorToHttp } from './map-error-to-http.js';

const target = { provider: 'a', model: 'model-a' };

const attempt = (provider: string, fields: Partial<Attempt>): Attempt => ({
  provider,
  model: `model-${provider}`,
  ok: false,
  latencyMs: 1,
  ...fields,
});

/** Every answer is OpenAI's error JSON: exactly these four fields. */
function expectOpenAIShape(body: unknown): void {
  expect(Object.keys((body as { error: object }).error).sort()).toEqual([
    'code',
    'message',
    'param',
    'type',
  ]);
}

describe('mapErrorToHttp: every error class as an HTTP status and OpenAI error JSON', () => {
  it('ValidationError: 400 naming the first field as param', () => {
    const mapped = mapErrorToHttp(
      new ValidationError([
        { path: 'messages.0.content', message: 'is required' },
        { path: 'temperature', message: 'too high' },
      ]),
    );
    expect(mapped.status).toBe(400);
    expect(mapped.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_request',
      param: 'messages.0.content',
    });
    expect(mapped.body.error.message).toContain('messages.0.content');
    expectOpenAIShape(mapped.body);
  });

  it('ValidationError without a path: param is null, not an empty string', () => {
    const mapped = mapErrorToHttp(new ValidationError([{ path: '', message: 'bad' }]));
    expect(mapped.body.error.param).toBeNull();
  });

  it('OverloadedError: 503 overloaded with Retry-After in whole seconds, at least 1', () => {
    const slow = mapErrorToHttp(new OverloadedError('queue_full', { retryAfterMs: 2_500 }));
    expect(slow.status).toBe(503);
    expect(slow.body.error).toMatchObject({ type: 'server_error', code: 'overloaded' });
    expect(slow.headers['retry-after']).toBe('3');
    const soon = mapErrorToHttp(new OverloadedError('queue_timeout', { retryAfterMs: 0 }));
    expect(soon.headers['retry-after']).toBe('1');
    expectOpenAIShape(soon.body);
  });

  it('ModelNotFoundError: 404 model_not_found with param model', () => {
    const mapped = mapErrorToHttp(new ModelNotFoundError('nope', ['default', 'model-a']));
    expect(mapped.status).toBe(404);
    expect(mapped.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
    expect(mapped.body.error.message).toContain('nope');
  });

  it('ConfigurationError reaching a request: 400 unsupported', () => {
    const mapped = mapErrorToHttp(new ConfigurationError('streaming is not supported here'));
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.code).toBe('unsupported');
  });

  it('AbortedError: 499 with a fixed message (nothing of the cause is echoed)', () => {
    const mapped = mapErrorToHttp(new AbortedError('secret detail', { cause: new Error('x') }));
    expect(mapped.status).toBe(499);
    expect(mapped.body.error).toEqual({
      message: 'The client closed the request',
      type: 'aborted',
      code: 'aborted',
      param: null,
    });
  });

  it('ClientClosedError (shutdown): 503 shutting_down', () => {
    const mapped = mapErrorToHttp(new ClientClosedError());
    expect(mapped.status).toBe(503);
    expect(mapped.body.error).toMatchObject({ type: 'server_error', code: 'shutting_down' });
  });

  it('BudgetExceededError with a reset: 429, the budget named in headers, Retry-After until the reset', () => {
    const resetAt = Date.now() + 90_000;
    const mapped = mapErrorToHttp(
      new BudgetExceededError({ budget: 'daily', limitUsd: 1, spentUsd: 1.5, resetAt }),
    );
    expect(mapped.status).toBe(429);
    expect(mapped.body.error).toMatchObject({
      type: 'budget_exceeded',
      code: 'budget_exceeded',
      param: 'daily',
    });
    expect(mapped.headers['x-flexiai-budget']).toBe('daily');
    expect(mapped.headers['x-flexiai-budget-reset']).toBe(new Date(resetAt).toISOString());
    const seconds = Number(mapped.headers['retry-after']);
    // Computed from the wall clock: between the reset seen from now and seen from a little earlier.
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(90);
  });

  it('BudgetExceededError without a reset: 429 and no Retry-After (it will not pass with time)', () => {
    const mapped = mapErrorToHttp(
      new BudgetExceededError({ budget: 'total', limitUsd: 1, spentUsd: 2 }),
    );
    expect(mapped.status).toBe(429);
    expect(mapped.headers['retry-after']).toBeUndefined();
    expect(mapped.headers['x-flexiai-budget-reset']).toBeUndefined();
  });

  it('BudgetExceededError whose reset already passed: Retry-After is still at least 1', () => {
    const mapped = mapErrorToHttp(
      new BudgetExceededError({ budget: 'd', limitUsd: 1, spentUsd: 2, resetAt: Date.now() - 5 }),
    );
    expect(mapped.headers['retry-after']).toBe('1');
  });

  it('ContentFilterError: 400 content_filter, although it is a provider error', () => {
    const mapped = mapErrorToHttp(new ContentFilterError('blocked', { ...target, status: 200 }));
    expect(mapped.status).toBe(400);
    expect(mapped.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'content_filter',
    });
  });

  it('an upstream caller error (400, 404, 413, 415, 422) passes its status on with the upstream code', () => {
    for (const status of [400, 404, 413, 415, 422]) {
      const mapped = mapErrorToHttp(
        new InvalidRequestError('bad', { ...target, status, upstreamCode: 'context_too_long' }),
      );
      expect(mapped.status).toBe(status);
      expect(mapped.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'context_too_long',
      });
    }
    const noCode = mapErrorToHttp(new InvalidRequestError('bad', { ...target, status: 400 }));
    expect(noCode.body.error.code).toBe('invalid_request');
  });

  it("an upstream 401/403 (the gateway's own credentials) or another non-caller 4xx is a 502, never passed on", () => {
    const cases = [
      new AuthenticationError('bad upstream key', { ...target, status: 401 }),
      new AuthenticationError('forbidden', { ...target, status: 403 }),
      new ProviderError('timeout', { ...target, status: 408 }),
      new ProviderError('conflict', { ...target, status: 409 }),
    ];
    for (const error of cases) {
      const mapped = mapErrorToHttp(error);
      expect(mapped.status).toBe(502);
      expect(mapped.body.error.type).toBe('upstream_error');
      expectOpenAIShape(mapped.body);
    }
  });

  it("an upstream rate limit that ends the request is a 429 with the upstream's Retry-After", () => {
    const mapped = mapErrorToHttp(
      new RateLimitError('slow down', { ...target, status: 429, retryAfterMs: 2_500 }),
    );
    expect(mapped.status).toBe(429);
    expect(mapped.body.error.type).toBe('rate_limit_error');
    expect(mapped.headers['retry-after']).toBe('3');
    expectOpenAIShape(mapped.body);
    expect(mapErrorToHttp(new RateLimitError('slow', { ...target, status: 429 })).headers).toEqual(
      {},
    );
  });

  it('an upstream failure (5xx, no status, timeout, broken stream) is a 502 upstream_error', () => {
    const cases = [
      new ProviderError('boom', { ...target, status: 500 }),
      new ProviderError('odd', { ...target, status: 302 }),
      new TimeoutError('first_byte', 300, target),
      new StreamInterruptedError('cut', target),
    ];
    for (const error of cases) {
      const mapped = mapErrorToHttp(error);
      expect(mapped.status).toBe(502);
      expect(mapped.body.error.type).toBe('upstream_error');
      expect(mapped.body.error.code).toBe(error.code);
      expectOpenAIShape(mapped.body);
    }
  });

  it('any other error: 500 with a fixed message, never the error text', () => {
    for (const error of [
      new Error('sk-secret-in-message'),
      new MiddlewareError('mine', new Error('sk-secret')),
      'a string',
      undefined,
    ]) {
      const mapped = mapErrorToHttp(error);
      expect(mapped.status).toBe(500);
      expect(mapped.body.error).toEqual({
        message: 'Internal gateway error',
        type: 'server_error',
        code: 'internal_error',
        param: null,
      });
    }
  });
});

describe('mapErrorToHttp: AllProvidersFailedError', () => {
  it('every provider rate-limited or cooling down: 429 rate_limit_error with Retry-After', () => {
    const error = new AllProvidersFailedError(
      [
        attempt('a', { status: 429, error: new RateLimitError('slow down', target) }),
        attempt('b', { skipped: 'cooldown', latencyMs: 0 }),
      ],
      4_200,
    );
    const mapped = mapErrorToHttp(error);
    expect(mapped.status).toBe(429);
    expect(mapped.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'all_providers_failed',
    });
    expect(mapped.headers['retry-after']).toBe('5');
  });

  it('no provider available (open circuits, busy probes): 503, Retry-After at least 1', () => {
    const mapped = mapErrorToHttp(
      new AllProvidersFailedError(
        [
          attempt('a', { skipped: 'circuit_open', latencyMs: 0 }),
          attempt('b', { skipped: 'half_open_busy', latencyMs: 0 }),
        ],
        10,
      ),
    );
    expect(mapped.status).toBe(503);
    expect(mapped.body.error.type).toBe('upstream_error');
    expect(mapped.headers['retry-after']).toBe('1');
  });

  it('no attempt at all (an empty route): 503, and no Retry-After when none is known', () => {
    const mapped = mapErrorToHttp(new AllProvidersFailedError([]));
    expect(mapped.status).toBe(503);
    expect(mapped.headers).toEqual({});
  });

  it('providers that answered with failures: 502; a 429 among other failures is not a 429', () => {
    const mapped = mapErrorToHttp(
      new AllProvidersFailedError([
        attempt('a', { status: 429 }),
        attempt('b', { status: 500 }),
        attempt('c', { error: new AuthenticationError('no', { ...target, status: 401 }) }),
      ]),
    );
    expect(mapped.status).toBe(502);
    expect(mapped.body.error.type).toBe('upstream_error');
    expect(mapped.body.error.message).toContain('All providers failed');
  });
});
