import type { AdmissionGate } from '../resilience/admission-gate.js';
import type { StreamSource } from './chat-stream.js';

/**
 * Wraps a stream source so the stream holds a place in the client-wide gate from its start until
 * it ends (completed, failed, or stopped by its consumer). Entering may wait in the gate's queue,
 * or fail with an OverloadedError, before any upstream call.
 */
export function admittedStream(
  gate: AdmissionGate,
  callerSignal: AbortSignal | undefined,
  source: StreamSource,
): StreamSource {
  return async function* admitted(controller) {
    const { signal } = controller;
    const lease = await gate.enter(callerSignal ? AbortSignal.any([callerSignal, signal]) : signal);
    try {
      return yield* source(controller);
    } finally {
      lease.release();
    }
  };
}
