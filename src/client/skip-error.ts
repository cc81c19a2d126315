import { CircuitOpenError } from '../errors/circuit-open-error.js';
import type { Denial } from '../resilience/circuit-breaker.js';

/**
 * The error a skip records. It is an entry in `attempts`, never thrown where it is made, so no
 * stack is captured for it (it would only point at the loop): capturing one was most of what
 * skipping an open circuit cost, on every request while the circuit stays open.
 */
export function skipError(provider: string, denial: Denial): CircuitOpenError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CircuitOpenError(provider, denial.reason, denial.retryAt);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
