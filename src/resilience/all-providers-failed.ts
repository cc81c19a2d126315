import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import type { FlexiAIError } from '../errors/flexiai-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import type { Attempt } from '../types/attempt.js';

/**
 * The error that ends a request no provider served: an OverloadedError when every provider that
 * was tried shed the call (we are overloaded, not them; skipped providers aside), carrying the
 * full AllProvidersFailedError as its cause; the AllProvidersFailedError itself otherwise.
 */
export function allProvidersFailed(attempts: Attempt[], retryAfterMs?: number): FlexiAIError {
  const all = new AllProvidersFailedError(attempts, retryAfterMs);
  const calls = attempts.filter((a) => a.skipped === undefined);
  const sheds = calls.map((a) => a.error).filter((e) => OverloadedError.isInstance(e));
  if (calls.length === 0 || sheds.length !== calls.length) return all;
  const last = sheds[sheds.length - 1] as OverloadedError;
  const waits = sheds.map((e) => e.retryAfterMs);
  if (retryAfterMs !== undefined) waits.push(retryAfterMs);
  return new OverloadedError(last.reason, {
    ...(sheds.every((e) => e.provider === last.provider) ? { provider: last.provider } : {}),
    retryAfterMs: Math.min(...waits),
    cause: all,
  });
}
