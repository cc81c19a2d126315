import type { AdmissionGate } from '../resilience/admission-gate.js';

type StreamSource<A extends unknown[], T> = (signal: AbortSignal, ...rest: A) => AsyncGenerator<T>;

/**
 * Wraps a stream source so each stream holds a place in the client-wide gate from its start until
 * it ends (completed, failed, or stopped by its consumer). Entering may wait in the gate's queue,
 * or fail with an OverloadedError, before any upstream call.
 */
export function admittedStream<A extends unknown[], T>(
  gate: AdmissionGate,
  callerSignal: AbortSignal | undefined,
  source: StreamSource<A, T>,
): StreamSource<A, T> {
  return async function* admitted(signal, ...rest) {
    const lease = await gate.enter(callerSignal ? AbortSignal.any([callerSignal, signal]) : signal);
    try {
      yield* source(signal, ...rest);
    } finally {
      lease.release();
    }
  };
}
