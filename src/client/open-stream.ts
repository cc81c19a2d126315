import { AbortedError } from '../errors/aborted-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import type { ProviderCallOptions, ProviderRequest } from '../providers/provider.js';
import { isOutputChunk, type StreamChunk } from '../types/stream-chunk.js';
import type { RouteCandidate } from './provider-slot.js';

/** A stream that produced its first output (or completed without any): committed to its provider. */
export interface OpenedStream {
  /** Chunks received up to and including the first output, in order. */
  head: StreamChunk[];
  /** The rest of the stream; `undefined` when it already ended. */
  rest: AsyncIterator<StreamChunk> | undefined;
  /** Aborts this attempt's upstream request. */
  abort(reason?: unknown): void;
}

class FirstOutputTimeout extends Error {}

/**
 * Starts one streaming attempt and reads it up to its first real output — a text or tool-call
 * delta; response metadata, role-only deltas and pings do not count. Any failure before that
 * (error status, error event, cut connection, first-output timeout) rejects, so the failover loop
 * can try the next provider with nothing yet sent to the caller.
 */
export async function openStream(
  candidate: RouteCandidate,
  request: ProviderRequest,
  options: ProviderCallOptions & { firstOutputTimeoutMs: number },
): Promise<OpenedStream> {
  const provider = candidate.slot.provider;
  const controller = new AbortController();
  const onCallerAbort = (): void =>
    controller.abort(new AbortedError(undefined, { cause: options.signal?.reason }));
  if (options.signal?.aborted) throw new AbortedError();
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new FirstOutputTimeout()),
    options.firstOutputTimeoutMs,
  );
  timer.unref();
  const abort = (reason?: unknown): void =>
    controller.abort(reason ?? new AbortedError('The stream was cancelled'));
  const timedOut = (cause?: unknown) =>
    new TimeoutError('first_output', options.firstOutputTimeoutMs, {
      provider: candidate.slot.name,
      model: candidate.model,
      cause,
    });

  let iterator: AsyncIterator<StreamChunk> | undefined;
  try {
    // The client only routes streams to providers that implement chatStream.
    const stream = await (provider.chatStream as NonNullable<typeof provider.chatStream>).call(
      provider,
      request,
      { ...options, signal: controller.signal },
    );
    iterator = stream[Symbol.asyncIterator]();
    const head: StreamChunk[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) return { head, rest: undefined, abort };
      head.push(next.value);
      if (isOutputChunk(next.value)) return { head, rest: iterator, abort };
    }
  } catch (error) {
    await iterator?.return?.().catch(() => undefined);
    if (controller.signal.reason instanceof FirstOutputTimeout) throw timedOut(error);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}
