import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { ProviderError, type ProviderErrorOptions } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { excerpt } from '../../internal/redact.js';
import { createHttpError } from '../shared/create-http-error.js';
import type { ErrorInBody, UpstreamErrorInput } from '../shared/upstream-error.js';
import { cleanUpstreamField, cleanUpstreamText } from '../shared/upstream-text.js';
import { header } from '../shared/headers.js';
import { anthropicErrorBodySchema } from './anthropic-wire.js';

/** Anthropic sends its request id as `request-id`. */
export const ANTHROPIC_REQUEST_ID_HEADER = 'request-id';

export type AnthropicErrorInput = UpstreamErrorInput;

interface ErrorFields {
  type?: string;
  message?: string;
}

function fieldsOf(json: unknown): ErrorFields | undefined {
  const parsed = anthropicErrorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { type, message } = parsed.data.error;
  return { ...(type ? { type } : {}), ...(message ? { message } : {}) };
}

function readErrorBody(text: string): ErrorFields {
  try {
    return fieldsOf(JSON.parse(text)) ?? {};
  } catch {
    return {};
  }
}

/**
 * A non-2xx Anthropic response as a typed error, chosen by status (createHttpError): 401/403
 * authentication, 429 rate limit with Retry-After, 400/404/413 invalid request, and every 5xx,
 * 529 `overloaded_error` included, a retryable provider error. The body's `error.type` is kept as
 * `upstreamType`, the `request-id` header as `requestId`.
 */
export function mapAnthropicError(input: AnthropicErrorInput): ProviderError {
  const body = readErrorBody(input.text);
  return createHttpError({
    status: input.status,
    headers: input.headers,
    target: input.target,
    message: body.message,
    upstreamType: body.type,
    body: input.text ? excerpt(input.text, input.secrets) : undefined,
    requestId: header(input.headers, ANTHROPIC_REQUEST_ID_HEADER),
    secrets: input.secrets,
    now: input.now,
  });
}

/**
 * An Anthropic error object that arrived with HTTP 200: inside a response body, or as a stream
 * `error` event (e.g. `overloaded_error` mid-stream). The provider failed whatever the status says.
 * The class follows `error.type`: rate limit, authentication, invalid request (not retried on this
 * provider), anything else (`overloaded_error`, `api_error`, ...) a retryable provider error.
 * Returns undefined when `json` is not an error object. Type and message are redacted and capped.
 */
export const anthropicErrorInBody: ErrorInBody = (json, input) => {
  const raw = fieldsOf(json);
  if (!raw) return undefined;
  const fields = { ...raw, type: cleanUpstreamField(raw.type, input.secrets) };
  const requestId = input.requestId ?? header(input.headers, ANTHROPIC_REQUEST_ID_HEADER);
  const label = [
    input.where === 'stream' ? 'error event in the stream' : 'error inside a 200 response',
    fields.type,
  ]
    .filter(Boolean)
    .join(': ');
  const message = fields.message
    ? `${label}: ${excerpt(fields.message, input.secrets, 300)}`
    : label;
  const options: ProviderErrorOptions = {
    ...input.target,
    status: 200,
    body: excerpt(input.text, input.secrets),
    ...(fields.type ? { upstreamType: fields.type } : {}),
    ...(requestId ? { requestId: cleanUpstreamText(requestId, input.secrets, 256) } : {}),
  };
  switch (raw.type) {
    case 'rate_limit_error':
      return new RateLimitError(message, options);
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return new AuthenticationError(message, options);
    case 'invalid_request_error':
    case 'not_found_error':
    case 'request_too_large':
      return new InvalidRequestError(message, { ...options, shouldRetry: false });
    default:
      return new ProviderError(message, options);
  }
};
