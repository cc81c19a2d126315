import { AbortedError } from '../errors/aborted-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { classifyError } from '../errors/is-retryable.js';
import { ProviderError } from '../errors/provider-error.js';
import { StreamInterruptedError } from '../errors/stream-interrupted-error.js';
import type { FailoverOptions } from './failover.js';
import { runFailover } from './failover.js';
import { openStream, type OpenedStream } from './open-stream.js';
import type { ProviderRequest } from '../providers/provider.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamCommit } from './chat-stream.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import type { RouteCandidate } from './provider-slot.js';
import { StreamAggregator } from './stream-aggregator.js';

export interface StreamRun extends Omit<
  FailoverOptions<OpenedStream>,
  'call' | 'deferSuccess' | 'signal'
> {
  request: Omit<ProviderRequest, 'model'>;
  correlationId: string;
  /** The caller's signal (request.signal) and the ChatStream's own abort, combined. */
  signal: AbortSignal;
  onServed(provider: string): void;
}

/**
 * The streaming failover contract. Before the first real output every failure fails over
 * transparently (the caller sees one clean stream from the provider that served). After it, a
 * failure ends the stream with a StreamInterruptedError carrying what arrived — never a clean end,
 * never a splice — and counts against that provider's circuit. The circuit counts a stream as a
 * success only when it completes; a consumer who stops early or aborts costs the provider nothing.
 */
export async function* runChatStream(
  run: StreamRun,
  done: (response: ChatResponse) => void,
  commit: (info: StreamCommit) => void,
): AsyncGenerator<StreamChunk> {
  const { stats, clock, log } = run;
  const started = performance.now();
  stats.requestStarted();
  let served;
  try {
    served = await runFailover({
      ...run,
      deferSuccess: true,
      call: (candidate: RouteCandidate) =>
        openStream(
          candidate,
          { ...run.request, model: candidate.model },
          {
            signal: run.signal,
            correlationId: run.correlationId,
            logger: log,
            firstOutputTimeoutMs: firstOutputTimeout(candidate),
          },
        ),
    });
  } catch (error) {
    stats.requestFailed();
    throw error;
  }

  const { value: opened, candidate, attempts, permit, startedAt } = served;
  const { slot, model } = candidate;
  commit({ provider: slot.name, model, attempts });
  const aggregator = new StreamAggregator();
  const onAbort = (): void => opened.abort(run.signal.reason);
  run.signal.addEventListener('abort', onAbort, { once: true });
  let settled = false;
  const settle = (outcome: 'ok' | FlexiAIError): void => {
    settled = true;
    const latencyMs = performance.now() - startedAt;
    if (outcome === 'ok') {
      permit.success();
      attempts.push({ provider: slot.name, model, ok: true, latencyMs });
      stats.callSucceeded(slot.name, latencyMs, clock.now());
      stats.requestSucceeded(candidate !== run.candidates[0]);
      slot.misconfigured = undefined;
      return;
    }
    const failureClass = classifyError(outcome);
    if (failureClass === 'transient') permit.failure();
    else permit.release();
    const status = ProviderError.isInstance(outcome) ? outcome.status : undefined;
    attempts.push({
      provider: slot.name,
      model,
      ok: false,
      latencyMs,
      error: outcome,
      ...(status ? { status } : {}),
    });
    if (failureClass !== 'aborted') stats.callFailed(slot.name, outcome, clock.now());
    stats.requestFailed();
  };

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
    settle('ok');
    run.onServed(slot.name);
    done({
      ...aggregator.result(model),
      provider: slot.name,
      attempts,
      latencyMs: performance.now() - started,
      correlationId: run.correlationId,
    });
  } catch (thrown) {
    const error = interrupted(thrown, candidate, aggregator, run.signal);
    if (!settled) settle(error);
    log.logger.warn(
      {
        provider: slot.name,
        model,
        code: error.code,
        received: aggregator.partial().content.length,
      },
      `stream failed after output began: ${error.message}`,
    );
    throw error;
  } finally {
    run.signal.removeEventListener('abort', onAbort);
    if (!settled) {
      // The consumer stopped early: abort the upstream at once; no verdict on the provider.
      opened.abort();
      await opened.rest?.return?.().catch(() => undefined);
      settle(new AbortedError('The consumer stopped reading the stream'));
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
