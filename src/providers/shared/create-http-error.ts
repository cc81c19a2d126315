import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { ProviderError, type ProviderErrorOptions } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { parseRetryAfter } from '../../internal/parse-retry-after.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import { detectRefusal } from './detect-refusal.js';
import { shouldRetryHint } from './headers.js';
import { cleanUpstreamField, cleanUpstreamText } from './upstream-text.js';

export interface HttpErrorFacts {
  status: number;
  headers: IncomingHttpHeaders;
  target: CallTarget;
  /** The upstream's message, type and code (redacted of every secret and capped here). */
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
export function createHttpError(raw: HttpErrorFacts): ProviderError {
  const facts = cleanFacts(raw);
  const { status } = facts;
  const label = [`HTTP ${status}`, facts.upstreamType].filter(Boolean).join(' ');
  const text = facts.message ? `${label}: ${facts.message}` : label;
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

/** Every upstream string of the facts redacted by value and capped (message 8 KB, identifiers 256). */
export function cleanFacts(facts: HttpErrorFacts): HttpErrorFacts {
  const { secrets } = facts;
  return {
    ...facts,
    message: facts.message === undefined ? undefined : cleanUpstreamText(facts.message, secrets),
    upstreamType: cleanUpstreamField(facts.upstreamType, secrets),
    upstreamCode: cleanUpstreamField(facts.upstreamCode, secrets),
    requestId: cleanUpstreamField(facts.requestId, secrets),
  };
}
