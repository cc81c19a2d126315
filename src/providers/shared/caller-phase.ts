import { classifyError } from '../../errors/is-retryable.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { CallTarget } from '../../transport/map-transport-error.js';

/**
 * Runs a step that only reads the caller's request (convert it, merge provider options, serialize
 * it) and makes whatever it throws the caller's error. Errors that already are the caller's
 * (ValidationError, ...) and aborts pass through unchanged; anything else, a RangeError from a
 * value nested too deep to serialize or a TypeError from a converter included, becomes a
 * ValidationError naming the provider, with the original as `cause`. The failover loop then ends
 * the request with a 400: no failover, no circuit movement, no upstream call.
 */
export function inCallerPhase<T>(target: CallTarget, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asCallerError(error, target);
  }
}

/** A throw from the caller phase as the caller's error (see `inCallerPhase`). */
export function asCallerError(error: unknown, target: CallTarget): unknown {
  const failureClass = classifyError(error);
  if (failureClass === 'caller' || failureClass === 'aborted') return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ValidationError(
    [
      {
        path: '',
        message: `${target.provider} could not build its request from this input (${detail.slice(0, 200)})`,
      },
    ],
    { cause: error },
  );
}
