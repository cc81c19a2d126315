import type { ErrorCode } from './flexiai-error.js';

/**
 * How the failover loop treats a failure. The one place that decides it:
 * - `caller`: the request itself is wrong (400/404/413/422, content filter). No retry, no failover,
 *   the circuit is untouched, the caller gets the error.
 * - `auth`: the provider refused our credentials (401/402/403). Not retried on that provider; fail
 *   over; the provider is reported misconfigured; the circuit is untouched.
 * - `rate_limit`: 429. The provider cools down (Retry-After); fail over; the circuit is untouched.
 * - `transient`: 5xx, 408, 409, timeouts, connection failures, malformed bodies, an error inside a
 *   200. Counts against the circuit; fail over; retryable.
 * - `aborted`: the caller cancelled. Nothing is counted; the call ends at once.
 * - `overload`: we are overloaded, not the provider (OverloadedError: shed by admission control,
 *   or no pooled connection within the queue deadline). Never counts against the circuit and
 *   never cools the provider down; fail over; retryable.
 *
 * Only the provider can fail the provider: `transient` is for what came from the upstream exchange.
 * Built-in adapters build and serialize every request in a caller phase whose throws, whatever
 * they are, become ValidationErrors (`inCallerPhase` in src/providers/shared), so nothing the
 * caller sends can reach this function as anything but `caller`.
 */
export type FailureClass = 'caller' | 'auth' | 'rate_limit' | 'transient' | 'aborted' | 'overload';

export interface FailureFacts {
  code: ErrorCode;
  status?: number | undefined;
  shouldRetry?: boolean | undefined;
}

const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'timeout_error',
  'connection_error',
  'malformed_response',
  'response_too_large',
  'stream_interrupted',
]);

export function classifyFailure(facts: FailureFacts): FailureClass {
  const { code, status } = facts;
  if (code === 'aborted') return 'aborted';
  if (code === 'overloaded') return 'overload';
  if (code === 'content_filter' || code === 'validation_error' || code === 'model_not_found') {
    return 'caller';
  }
  // An invalid request no upstream answered (no status) can only be the request itself.
  if (code === 'invalid_request' && status === undefined) return 'caller';
  if (code === 'rate_limit_error' || status === 429) return 'rate_limit';
  if (code === 'authentication_error' || status === 401 || status === 402 || status === 403) {
    return 'auth';
  }
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (status === undefined) return 'transient';
  if (status >= 500 || status === 408 || status === 409) return 'transient';
  if (status >= 400) return 'caller';
  // A 1xx/2xx/3xx that still failed (e.g. an error object inside a 200) is the provider's fault.
  return 'transient';
}

/** Whether calling the same provider again may succeed. `x-should-retry: false` always wins. */
export function isRetryableFailure(facts: FailureFacts): boolean {
  if (facts.shouldRetry === false) return false;
  const failureClass = classifyFailure(facts);
  return (
    failureClass === 'transient' || failureClass === 'rate_limit' || failureClass === 'overload'
  );
}

/**
 * The class of a thrown value that is not a FlexiAI error (a custom provider's own exception, a bug
 * in one). Explicitly `transient`: a custom provider's failure cannot be told apart from its
 * upstream's, and treating it as the caller's would let a broken provider serve 400s forever
 * instead of failing over. Built-in adapters never let such a value escape while building a
 * request (see above), so it cannot be caused by a client's input.
 */
export const UNEXPECTED_THROW_CLASS: FailureClass = 'transient';

/** Reads the facts off any thrown value: FlexiAI errors by their fields, anything else unexpected. */
function factsOf(error: unknown): FailureFacts | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string'
  ) {
    const e = error as { code: string; status?: unknown; shouldRetry?: unknown; name?: unknown };
    if (e.name === 'AbortError') return { code: 'aborted' };
    return {
      code: e.code as ErrorCode,
      status: typeof e.status === 'number' ? e.status : undefined,
      shouldRetry: typeof e.shouldRetry === 'boolean' ? e.shouldRetry : undefined,
    };
  }
  if (error instanceof Error && error.name === 'AbortError') return { code: 'aborted' };
  return undefined;
}

/** The failure class of any thrown value. */
export function classifyError(error: unknown): FailureClass {
  const facts = factsOf(error);
  return facts === undefined ? UNEXPECTED_THROW_CLASS : classifyFailure(facts);
}

/** Whether retrying the same provider after this error may succeed. */
export function isRetryable(error: unknown): boolean {
  const facts = factsOf(error);
  return facts === undefined ? UNEXPECTED_THROW_CLASS === 'transient' : isRetryableFailure(facts);
}
