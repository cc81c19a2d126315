import type { RetryConfig } from '../config/config-schema.js';
import { AbortedError } from '../errors/aborted-error.js';
import type { Clock } from '../internal/clock.js';
import type { EmbedResponse, ParsedEmbedRequest } from '../types/embedding.js';
import type { Usage } from '../types/usage.js';
import type { EmbeddingCandidate } from './embedding-candidates.js';
import { runFailover } from './failover.js';
import { embedTokensEstimate } from './rate-limits.js';
import type { RequestRecord } from './request-record.js';
import type { AttemptSettler } from './settle-attempt.js';

/** Calls of one large embedding request in flight at once. */
const PARALLEL_CALLS = 4;
/** Per-call limit of a provider that declares none. */
const DEFAULT_MAX_INPUTS = 2048;

export interface RunEmbedOptions {
  candidates: readonly EmbeddingCandidate[];
  retry: RetryConfig;
  clock: Clock;
  random: () => number;
  settler: AttemptSettler;
  run: RequestRecord;
  request: ParsedEmbedRequest;
}

/**
 * One embedding request through the failover loop. Inputs larger than the smallest per-call limit
 * of its candidates are cut into calls of at most that many texts, each call failing over on its
 * own (all candidates share one model and dimensions, so any of them may answer any part), a few
 * at a time; the vectors are put back in input order. The first failure of a part fails the
 * request and aborts the parts still running.
 */
export async function runEmbed(options: RunEmbedOptions): Promise<EmbedResponse> {
  const { candidates, run, request, settler } = options;
  const texts = typeof request.input === 'string' ? [request.input] : request.input;
  const limit = Math.min(
    ...candidates.map((c) => c.slot.provider.maxEmbeddingInputs ?? DEFAULT_MAX_INPUTS),
  );
  const parts: string[][] = [];
  for (let i = 0; i < texts.length; i += limit) parts.push(texts.slice(i, i + limit));

  const started = performance.now();
  const firstAttempt = run.attempts.length;
  const inner = new AbortController();
  const stop = () => inner.abort(request.signal?.reason);
  if (request.signal?.aborted) throw new AbortedError(undefined, { cause: request.signal.reason });
  request.signal?.addEventListener('abort', stop, { once: true });

  const results: { embeddings: number[][]; usage: Usage; provider: string; model: string }[] = [];
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!failure && next < parts.length) {
      const index = next++;
      const input = parts[index] ?? [];
      try {
        const { value, attempt } = await runFailover({
          candidates,
          retry: options.retry,
          clock: options.clock,
          random: options.random,
          signal: inner.signal,
          settler,
          run,
          estimateTokens: (candidate) => embedTokensEstimate(input, candidate.model),
          call: (candidate) => {
            const { dimensions } = candidate as EmbeddingCandidate;
            // `embed` exists on every candidate (embeddingCandidates keeps only those).
            const embed = candidate.slot.provider.embed?.bind(candidate.slot.provider);
            if (!embed) throw new TypeError(`${candidate.slot.name} cannot embed`);
            return embed(
              { input, model: candidate.model, dimensions },
              { signal: inner.signal, correlationId: run.requestId, logger: run.log },
            );
          },
        });
        settler.settle(run, attempt, { ok: true, usage: value.usage });
        results[index] = { ...value, provider: attempt.candidate.slot.name };
      } catch (error) {
        if (!failure) {
          // An abort of ours (after another part failed) is not this request's story.
          failure = { error };
          inner.abort();
        }
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_CALLS, parts.length) }, () => worker()),
    );
  } finally {
    request.signal?.removeEventListener('abort', stop);
  }
  if (failure) throw failure.error;

  const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const embeddings: number[][] = [];
  for (const part of results) {
    usage.promptTokens += part.usage.promptTokens;
    usage.totalTokens += part.usage.totalTokens;
    for (const vector of part.embeddings) embeddings.push(vector);
  }
  const first = results[0];
  return {
    embeddings,
    usage,
    provider: first?.provider ?? '',
    model: first?.model ?? '',
    attempts: run.attempts.slice(firstAttempt),
    latencyMs: performance.now() - started,
    correlationId: run.requestId,
  };
}
