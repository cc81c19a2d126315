import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { anthropicErrorInBody, mapAnthropicError } from '../anthropic/map-anthropic-error.js';
import { geminiErrorInBody, mapGeminiError, readGeminiError } from '../gemini/map-gemini-error.js';
import { mapOpenAIError, openAIErrorInBody } from '../openai/map-openai-error.js';
import type { ErrorInBodyInput, UpstreamErrorInput } from './upstream-error.js';

/**
 * Each wire's error mapping as a unit: the body shapes providers really send (and the ones they
 * send when something in between answers instead), Retry-After in headers and in bodies, the
 * retry hint, request ids, and errors inside a 200 or a stream. A provider key in a body never
 * survives into the error.
 */

const SECRET = 'sk-SECRETmapper0123456789abcdef';
const NOW = Date.UTC(2026, 11, 1, 4, 0, 0);
const target = { provider: 'p', model: 'm' };

const upstream = (
  status: number,
  body: unknown,
  headers: IncomingHttpHeaders = {},
): UpstreamErrorInput => ({
  status,
  headers,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  target,
  secrets: [SECRET],
  now: NOW,
});

const inBody = (
  json: unknown,
  where: 'body' | 'stream' = 'body',
  headers: IncomingHttpHeaders = {},
): [unknown, ErrorInBodyInput] => [
  json,
  {
    target,
    secrets: [SECRET],
    text: JSON.stringify(json),
    headers,
    requestId: undefined,
    now: NOW,
    where,
  },
];

/** Everything an error shows: its message and serialized details. */
const surface = (error: Error) => `${error.message} ${JSON.stringify(error)}`;

describe('OpenAI (and compatible) error bodies', () => {
  it('the standard body: message, type and code; numeric codes as text', () => {
    const error = mapOpenAIError(
      upstream(400, { error: { message: 'bad', type: 'invalid_request_error', code: 42 } }),
    ) as ProviderError;
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.message).toBe('p (m): HTTP 400 invalid_request_error: bad');
    expect(error.upstreamCode).toBe('42');
    expect(error.upstreamType).toBe('invalid_request_error');
  });

  it('a bare string error (some compatible servers): its text is the message', () => {
    const error = mapOpenAIError(upstream(500, { error: 'model crashed' }));
    expect(error.message).toBe('p (m): HTTP 500: model crashed');
    expect(ProviderError.isInstance(error) && error.retryable).toBe(true);
  });

  it('a body that is not the OpenAI shape, or not JSON, or empty: the status alone decides', () => {
    for (const body of [{ detail: 'Not Found' }, '<html>502 Bad Gateway</html>', '']) {
      const error = mapOpenAIError(upstream(502, body)) as ProviderError;
      expect(error.message).toBe('p (m): HTTP 502');
      expect(error.upstreamType).toBeUndefined();
      // A bounded excerpt of what came back, kept for debugging; nothing for an empty body.
      expect(error.body === undefined).toBe(body === '');
    }
    const noMessage = mapOpenAIError(
      upstream(503, { error: { message: null, type: 'server_error', code: null } }),
    ) as ProviderError;
    expect(noMessage.message).toBe('p (m): HTTP 503 server_error');
    expect(noMessage.upstreamCode).toBeUndefined();
  });

  it('429 insufficient_quota will not pass with time: an AuthenticationError, not retried', () => {
    const error = mapOpenAIError(
      upstream(429, { error: { message: 'quota', code: 'insufficient_quota' } }),
    ) as ProviderError;
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.shouldRetry).toBe(false);
    expect(error.upstreamCode).toBe('insufficient_quota');
  });

  it('Retry-After: retry-after-ms first, then seconds, then an HTTP date', () => {
    const wait = (headers: IncomingHttpHeaders) =>
      (mapOpenAIError(upstream(429, { error: { message: 'slow' } }, headers)) as RateLimitError)
        .retryAfterMs;
    expect(wait({ 'retry-after-ms': '1500', 'retry-after': '9' })).toBe(1500);
    expect(wait({ 'retry-after': '2.5' })).toBe(2500);
    expect(wait({ 'retry-after': new Date(NOW + 7_000).toUTCString() })).toBe(7_000);
    expect(wait({ 'retry-after': 'soon' })).toBeUndefined();
    expect(wait({})).toBeUndefined();
  });

  it('x-should-retry and x-request-id (the first of repeated headers) are kept', () => {
    const error = mapOpenAIError(
      upstream(
        500,
        { error: { message: 'x' } },
        {
          'x-should-retry': 'false',
          'x-request-id': ['req_1', 'req_2'] as unknown as string,
        },
      ),
    ) as ProviderError;
    expect(error.shouldRetry).toBe(false);
    expect(error.retryable).toBe(false);
    expect(error.requestId).toBe('req_1');
    const hinted = mapOpenAIError(
      upstream(400, { error: { message: 'x' } }, { 'x-should-retry': 'true' }),
    ) as ProviderError;
    expect(hinted.shouldRetry).toBe(true);
    expect(
      (mapOpenAIError(upstream(500, {}, { 'x-should-retry': 'maybe' })) as ProviderError)
        .shouldRetry,
    ).toBeUndefined();
  });

  it('a key echoed in the body never reaches the error', () => {
    const error = mapOpenAIError(
      upstream(401, { error: { message: `Incorrect API key provided: ${SECRET}`, code: SECRET } }),
    );
    expect(surface(error)).not.toContain(SECRET);
  });

  it('errors inside a 200 or a stream event; anything else is not one', () => {
    const stream = openAIErrorInBody(
      ...inBody(
        { error: { message: 'overloaded', type: 'server_error', code: 'busy' } },
        'stream',
        {
          'x-request-id': 'req_s',
        },
      ),
    ) as ProviderError;
    expect(stream.message).toBe('p (m): error event in the stream: overloaded');
    expect(stream).toMatchObject({
      status: 200,
      upstreamType: 'server_error',
      upstreamCode: 'busy',
      requestId: 'req_s',
    });
    const bare = openAIErrorInBody(...inBody({ error: {} })) as ProviderError;
    expect(bare.message).toBe('p (m): error inside a 200 response');
    expect(bare.upstreamType).toBeUndefined();
    for (const json of [null, 'text', { id: 'ok' }, { error: null }]) {
      expect(openAIErrorInBody(...inBody(json))).toBeUndefined();
    }
  });
});

describe('Anthropic error bodies', () => {
  const body = (type: string | null, message: string | null) => ({
    type: 'error',
    error: { type, message },
  });

  it('the standard body: type as upstreamType, message; request-id header as the request id', () => {
    const error = mapAnthropicError(
      upstream(400, body('invalid_request_error', 'max_tokens: too large'), {
        'request-id': 'req_a',
      }),
    ) as ProviderError;
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error.message).toBe('p (m): HTTP 400 invalid_request_error: max_tokens: too large');
    expect(error.requestId).toBe('req_a');
  });

  it('an error without type or message, an empty body, a body from something in between', () => {
    expect(mapAnthropicError(upstream(500, body(null, null))).message).toBe('p (m): HTTP 500');
    const empty = mapAnthropicError(upstream(502, '')) as ProviderError;
    expect(empty.message).toBe('p (m): HTTP 502');
    expect(empty.body).toBeUndefined();
    expect(mapAnthropicError(upstream(502, { message: 'proxy' })).message).toBe('p (m): HTTP 502');
  });

  it('529 overloaded_error is a retryable provider failure with Retry-After', () => {
    const error = mapAnthropicError(
      upstream(529, body('overloaded_error', 'Overloaded'), { 'retry-after': '3' }),
    ) as ProviderError;
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3_000);
    expect(error.upstreamType).toBe('overloaded_error');
  });

  it('errors inside a 200 or a stream take their class from error.type', () => {
    const cases: [string, (e: unknown) => boolean, boolean | undefined][] = [
      ['rate_limit_error', (e) => RateLimitError.isInstance(e), undefined],
      ['authentication_error', (e) => AuthenticationError.isInstance(e), undefined],
      ['permission_error', (e) => AuthenticationError.isInstance(e), undefined],
      ['billing_error', (e) => AuthenticationError.isInstance(e), undefined],
      ['invalid_request_error', (e) => InvalidRequestError.isInstance(e), false],
      ['not_found_error', (e) => InvalidRequestError.isInstance(e), false],
      ['request_too_large', (e) => InvalidRequestError.isInstance(e), false],
      ['overloaded_error', (e) => ProviderError.isInstance(e), undefined],
      ['api_error', (e) => ProviderError.isInstance(e), undefined],
    ];
    for (const [type, is, shouldRetry] of cases) {
      const error = anthropicErrorInBody(...inBody(body(type, 'm'), 'stream')) as ProviderError;
      expect(is(error), type).toBe(true);
      expect(error.upstreamType).toBe(type);
      expect(error.shouldRetry).toBe(shouldRetry);
      expect(error.message).toBe(`p (m): error event in the stream: ${type}: m`);
    }
  });

  it('an error object without type or message inside a 200; a non-error is not one', () => {
    const error = anthropicErrorInBody(
      ...inBody(body(null, null), 'body', { 'request-id': 'req_b' }),
    ) as ProviderError;
    expect(error.message).toBe('p (m): error inside a 200 response');
    expect(error.upstreamType).toBeUndefined();
    expect(error.requestId).toBe('req_b');
    expect(anthropicErrorInBody(...inBody({ type: 'message', content: [] }))).toBeUndefined();
  });
});

describe('Gemini and Vertex AI error bodies', () => {
  const envelope = (error: Record<string, unknown>) => ({ error });

  it("reads code, message, status, ErrorInfo's reason and RetryInfo's delay", () => {
    expect(
      readGeminiError(
        envelope({
          code: 429,
          message: 'quota',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED' },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' },
          ],
        }),
      ),
    ).toEqual({
      code: 429,
      message: 'quota',
      status: 'RESOURCE_EXHAUSTED',
      reason: 'RATE_LIMIT_EXCEEDED',
      retryDelayMs: 1_500,
    });
  });

  it('ignores details it cannot read: no @type, a delay that is not a duration, a reason that is not text', () => {
    expect(
      readGeminiError(
        envelope({
          details: [
            { reason: 'NO_TYPE' },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 'soon' },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 30 },
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 7 },
          ],
        }),
      ),
    ).toEqual({});
    expect(readGeminiError({ message: 'not an envelope' })).toBeUndefined();
    // The REST bridge sends some errors as a one-element array.
    expect(readGeminiError([envelope({ code: 500 })])).toEqual({ code: 500 });
  });

  it("the body's RetryInfo is the wait when no Retry-After header says otherwise", () => {
    const quota = envelope({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
    });
    const fromBody = mapGeminiError(upstream(429, quota)) as RateLimitError;
    expect(RateLimitError.isInstance(fromBody)).toBe(true);
    expect(fromBody.retryAfterMs).toBe(37_000);
    expect(
      (mapGeminiError(upstream(429, quota, { 'retry-after': '2' })) as RateLimitError).retryAfterMs,
    ).toBe(2_000);
  });

  it('a refused credential is an AuthenticationError whatever the status (the Gemini API says 400)', () => {
    const keyInvalid = mapGeminiError(
      upstream(
        400,
        envelope({
          code: 400,
          message: 'API key not valid.',
          status: 'INVALID_ARGUMENT',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
          ],
        }),
        { 'x-request-id': 'req_g' },
      ),
    ) as ProviderError;
    expect(AuthenticationError.isInstance(keyInvalid)).toBe(true);
    expect(keyInvalid).toMatchObject({
      status: 400,
      upstreamType: 'INVALID_ARGUMENT',
      upstreamCode: 'API_KEY_INVALID',
      requestId: 'req_g',
    });
    expect(keyInvalid.message).toBe('p (m): HTTP 400 INVALID_ARGUMENT: API key not valid.');
    const bare = mapGeminiError(upstream(500, envelope({ status: 'UNAUTHENTICATED' })));
    expect(AuthenticationError.isInstance(bare)).toBe(true);
    expect(bare.message).toBe('p (m): HTTP 500 UNAUTHENTICATED');
    // A 429 stays a rate limit even when the body names the credential.
    const limited = mapGeminiError(upstream(429, envelope({ status: 'PERMISSION_DENIED' })));
    expect(RateLimitError.isInstance(limited)).toBe(true);
  });

  it('a body that is not JSON or not an envelope: the status alone decides', () => {
    for (const text of ['upstream connect error', '', '{"oops":1}']) {
      const error = mapGeminiError(upstream(503, text)) as ProviderError;
      expect(error.message).toBe('p (m): HTTP 503');
      expect(error.retryable).toBe(true);
    }
  });

  it('errors inside a 200 or a stream: the embedded code decides the class, 500 when it is not a status', () => {
    const at = (code: unknown) =>
      geminiErrorInBody(
        ...inBody(envelope({ code, message: 'inner', status: 'X' }), 'stream'),
      ) as ProviderError;
    expect(RateLimitError.isInstance(at(429))).toBe(true);
    expect(InvalidRequestError.isInstance(at(400))).toBe(true);
    expect(at(503).status).toBe(503);
    expect(at(3).status).toBe(500); // a gRPC code, not an HTTP status
    expect(at(undefined).status).toBe(500);
    expect(at(503).message).toBe('p (m): HTTP 503 X: error event in the stream: inner');
    const array = geminiErrorInBody(...inBody([envelope({ code: 500 })])) as ProviderError;
    expect(array.message).toBe('p (m): HTTP 500: error inside a 200 response');
    for (const json of [null, 5, [], [null], { candidates: [] }, { error: null }]) {
      expect(geminiErrorInBody(...inBody(json))).toBeUndefined();
    }
  });

  it('a key echoed in a Google error never reaches the error', () => {
    const error = mapGeminiError(
      upstream(
        400,
        envelope({
          message: `API key ${SECRET} not valid`,
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'x/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        }),
      ),
    );
    expect(surface(error)).not.toContain(SECRET);
  });
});
