import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { ProviderError, type ProviderErrorOptions } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { parseRetryAfter } from '../../internal/parse-retry-after.js';
import { redactSecrets } from '../../internal/redact.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import { detectRefusal } from './detect-refusal.js';
import { shouldRetryHint } from './headers.js';

export interface HttpErrorFacts {
  status: number;
  headers: IncomingHttpHeaders;
  target: CallTarget;
  /** The upstream's message (redacted here). */
  message?: string | undefined;
  upstreamType?: string | undefined;
  upstreamCode?: string | undefined;
  /** A bounded, redacted excerpt of the body. */
  body?: string | undefined;
  requestId?: string | undefined;
  secrets: readonly string[];
  now: number;
}

/**
 * The typed error for a non-2xx upstream response, chosen by status: 401/402/403 authentication,
 * 429 rate limit (with Retry-After), 400/404/413/422 invalid request, anything else a provider error.
 * Every adapter maps its body to these facts and lets this decide the class.
 */
export function createHttpError(facts: HttpErrorFacts): ProviderError {
  const { status } = facts;
  const label = [`HTTP ${status}`, facts.upstreamType].filter(Boolean).join(' ');
  const text = facts.message ? `${label}: ${redactSecrets(facts.message, facts.secrets)}` : label;
  const retryAfterMs = parseRetryAfter(facts.headers, facts.now);
  const options: ProviderErrorOptions = {
    ...facts.target,
    status,
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(facts.upstreamType === undefined ? {} : { upstreamType: facts.upstreamType }),
    ...(facts.upstreamCode === undefined ? {} : { upstreamCode: facts.upstreamCode }),
    ...(facts.body === undefined ? {} : { body: facts.body }),
  };
  const refusal = detectRefusal(facts);
  if (refusal !== undefined) options.refusal = refusal;
  const hint = shouldRetryHint(facts.headers);
  if (hint !== undefined) options.shouldRetry = hint;

  if (status === 401 || status === 402 || status === 403)
    return new AuthenticationError(text, options);
  if (status === 429) return new RateLimitError(text, options);
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return new InvalidRequestError(text, options);
  }
  return new ProviderError(text, options);
}
