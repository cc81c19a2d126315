import { AbortedError } from '../errors/aborted-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { classifyError } from '../errors/is-retryable.js';
import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { ProviderRequest } from '../providers/provider.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import type { StreamController } from './chat-stream.js';
import { runFailover, type FailoverOptions } from './failover.js';
import { openStream, type OpenedStream } from './open-stream.js';
import type { RouteCandidate } from './provider-slot.js';
import { StreamAggregator } from './stream-aggregator.js';

export interface StreamRun extends Omit<FailoverOptions<OpenedStream>, 'call' | 'signal'> {
  request: Omit<ProviderRequest, 'model'>;
  /** The caller's signal (request.signal), if any; the stream's own abort is added to it. */
  signal: AbortSignal | undefined;
}

/**
 * The streaming failover contract. Before the first real output every failure fails over
 * transparently (the caller sees one clean stream from the provider that served). After it, a
 * failure ends the stream with a StreamInterruptedError carrying what arrived — never a clean end,
 * never a splice — and counts against that provider's circuit. The circuit counts a stream as a
 * success only when it completes; a consumer who stops early or aborts costs the provider nothing.
 * The serving call is settled once, by the same AttemptSettler as every other call.
 */
export async function* runChatStream(
  streamRun: StreamRun,
  controller: StreamController,
): AsyncGenerator<StreamChunk, ChatResponse, undefined> {
  const { run, settler } = streamRun;
  const signal = streamRun.signal
    ? AbortSignal.any([streamRun.signal, controller.signal])
    : controller.signal;
  const started = performance.now();
  const firstAttempt = run.attempts.length;
  const { value: opened, attempt } = await runFailover({
    ...streamRun,
    signal,
    call: (candidate: RouteCandidate) =>
      openStream(
        candidate,
        { ...streamRun.request, model: candidate.model },
        {
          signal,
          correlationId: run.requestId,
          logger: run.log,
          firstOutputTimeoutMs: firstOutputTimeout(candidate),
        },
      ),
  });

  const { candidate } = attempt;
  const { slot, model } = candidate;
  const now = performance.now();
  const ttftMs = now - attempt.startedAt;
  run.firstOutputAt ??= now;
  // The serving call is counted in the commit info (it is under way, and it answered).
  controller.commit({
    provider: slot.name,
    model,
    attempts: [...run.attempts, { provider: slot.name, model, ok: true, latencyMs: ttftMs }],
  });
  const aggregator = new StreamAggregator();
  const onAbort = (): void => opened.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let settled = false;

  try {
    for (const chunk of opened.head) {
      aggregator.add(chunk);
      yield chunk;
    }
    const rest = opened.rest;
    if (rest) {
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        aggregator.add(next.value);
        yield next.value;
      }
    }
    const result = aggregator.result(model);
    settled = true;
    settler.settle(run, attempt, { ok: true, usage: result.usage, ttftMs });
    return {
      ...result,
      provider: slot.name,
      attempts: run.attempts.slice(firstAttempt),
      latencyMs: performance.now() - started,
      correlationId: run.requestId,
    };
  } catch (thrown) {
    const error = interrupted(thrown, candidate, aggregator, signal);
    if (!settled) {
      settled = true;
      settler.settle(run, attempt, { ok: false, error, partial: aggregator.partial() });
    }
    if (error.code !== 'aborted') {
      run.log.logger.warn(
        {
          provider: slot.name,
          model,
          code: error.code,
          received: aggregator.partial().content.length,
        },
        `stream failed after output began: ${error.message}`,
      );
    }
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!settled) {
      // The consumer stopped early: abort the upstream at once; no verdict on the provider.
      opened.abort();
      await opened.rest?.return?.().catch(() => undefined);
      settler.settle(run, attempt, {
        ok: false,
        error: new AbortedError('The consumer stopped reading the stream'),
        partial: aggregator.partial(),
      });
    }
  }
}

/** A failure after commit, as the caller sees it: an abort stays an abort; anything else interrupts. */
function interrupted(
  thrown: unknown,
  candidate: RouteCandidate,
  aggregator: StreamAggregator,
  signal: AbortSignal,
): FlexiAIError {
  if (signal.aborted || classifyError(thrown) === 'aborted') {
    return AbortedError.isInstance(thrown)
      ? thrown
      : new AbortedError(undefined, { cause: thrown });
  }
  const cause = FlexiAIError.isInstance(thrown) ? thrown : undefined;
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new StreamInterruptedError(`stream broke after output began: ${detail}`, {
    provider: candidate.slot.name,
    model: candidate.model,
    ...(ProviderError.isInstance(cause) && cause.status !== undefined
      ? { status: cause.status }
      : {}),
    partial: aggregator.partial(),
    cause: thrown,
  });
}

function firstOutputTimeout(candidate: RouteCandidate): number {
  const config = candidate.slot.config;
  return config?.firstOutputTimeoutMs ?? config?.timeoutMs ?? 60_000;
}
