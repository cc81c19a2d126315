import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import { BudgetExceededError } from '../errors/budget-exceeded-error.js';
import { ContentFilterError } from '../errors/content-filter-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { ValidationError } from '../errors/validation-error.js';

export interface HttpError {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; code: string | null; param: string | null } };
}

/** OpenAI's error JSON: `{ error: { message, type, code, param } }`. */
export const openAIErrorBody = (
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): HttpError['body'] => ({ error: { message, type, code, param } });

const openAIError = (
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): HttpError => ({ status, headers: {}, body: openAIErrorBody(message, type, code, param) });

/** Upstream statuses that describe the caller's request, passed on as they are. */
const CALLER_STATUSES = new Set([400, 404, 413, 415, 422]);

/**
 * The one place that turns an error into an HTTP status and OpenAI's error JSON. Messages are the
 * errors' own, which are redacted when built; nothing else of the error is echoed.
 */
export function mapErrorToHttp(error: unknown): HttpError {
  if (ValidationError.isInstance(error)) {
    return openAIError(
      400,
      error.message,
      'invalid_request_error',
      'invalid_request',
      error.path || null,
    );
  }
  if (OverloadedError.isInstance(error)) {
    // We are overloaded (shed by admission control, or no connection within the queue deadline):
    // 503 at once, with when to come back; never a 502, which would blame the provider.
    const result = openAIError(503, error.message, 'server_error', 'overloaded');
    result.headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    return result;
  }
  if (FlexiAIError.isInstance(error)) {
    switch (error.code) {
      case 'model_not_found':
        return openAIError(404, error.message, 'invalid_request_error', 'model_not_found', 'model');
      case 'configuration_error':
        return openAIError(400, error.message, 'invalid_request_error', 'unsupported');
      case 'aborted':
        return openAIError(499, 'The client closed the request', 'aborted', 'aborted');
      case 'client_closed':
        return openAIError(503, 'The gateway is shutting down', 'server_error', 'shutting_down');
      default:
        break;
    }
  }
  if (BudgetExceededError.isInstance(error)) {
    // 429 with the budget's name and when it resets; no upstream call was made.
    const result = openAIError(
      429,
      error.message,
      'budget_exceeded',
      'budget_exceeded',
      error.budget,
    );
    result.headers['x-flexiai-budget'] = error.budget;
    if (error.resetAt !== undefined) {
      result.headers['x-flexiai-budget-reset'] = new Date(error.resetAt).toISOString();
      const seconds = Math.max(1, Math.ceil((error.resetAt - Date.now()) / 1000));
      result.headers['retry-after'] = String(seconds);
    }
    return result;
  }
  if (ContentFilterError.isInstance(error)) {
    return openAIError(400, error.message, 'invalid_request_error', 'content_filter');
  }
  if (AllProvidersFailedError.isInstance(error)) return allFailed(error);
  if (RateLimitError.isInstance(error)) {
    // The upstream's rate limit reached the caller (a request that ends there): 429, and when to
    // come back when the upstream said.
    const result = openAIError(
      429,
      error.message,
      'rate_limit_error',
      error.upstreamCode ?? error.code,
    );
    if (error.retryAfterMs !== undefined) {
      result.headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    }
    return result;
  }
  if (ProviderError.isInstance(error)) {
    // A caller error from the upstream (400/404/413/415/422) passes its status on. Any other 4xx
    // (401/403: the gateway's own credentials upstream; 408, 409, ...) is the upstream failing
    // this gateway, not the caller's doing: a 502, so a client never takes it for its own key.
    const status =
      error.status !== undefined && CALLER_STATUSES.has(error.status) ? error.status : 502;
    return openAIError(
      status,
      error.message,
      status < 500 ? 'invalid_request_error' : 'upstream_error',
      error.upstreamCode ?? error.code,
    );
  }
  return openAIError(500, 'Internal gateway error', 'server_error', 'internal_error');
}

/**
 * Every provider failed: 429 when they were all rate-limited (a 429, a cooldown, or at their
 * configured requests/tokens per minute), 503 when none was
 * available (open circuits, cooldowns), 502 when they answered with failures. `Retry-After` when known.
 */
function allFailed(error: AllProvidersFailedError): HttpError {
  const outcomes = error.attempts;
  const rateLimited =
    outcomes.length > 0 &&
    outcomes.every(
      (a) => a.status === 429 || a.skipped === 'cooldown' || a.skipped === 'rate_limited',
    );
  const unavailable = outcomes.length === 0 || outcomes.every((a) => a.skipped !== undefined);
  const status = rateLimited ? 429 : unavailable ? 503 : 502;
  const type = rateLimited ? 'rate_limit_error' : 'upstream_error';
  const result = openAIError(status, error.message, type, 'all_providers_failed');
  if (error.retryAfterMs !== undefined)
    result.headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  return result;
}
