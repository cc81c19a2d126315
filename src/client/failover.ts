import type { RetryConfig } from '../config/config-schema.js';
import { AbortedError } from '../errors/aborted-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { isRetryable } from '../errors/is-retryable.js';
import { ProviderError } from '../errors/provider-error.js';
import { refusalOf } from '../errors/refusal-kind.js';
import type { Clock } from '../internal/clock.js';
import { sleep } from '../internal/sleep.js';
import { allProvidersFailed } from '../resilience/all-providers-failed.js';
import { fullJitterBackoff } from '../resilience/backoff.js';
import { admitCandidate, type AdmitContext } from './admit-candidate.js';
import { contextWindowOf } from './context-windows.js';
import type { ProviderSlot, RouteCandidate } from './provider-slot.js';
import type { AttemptSettler, OpenAttempt, RequestRun } from './settle-attempt.js';

export interface FailoverOptions<T> {
  candidates: readonly RouteCandidate[];
  retry: RetryConfig;
  clock: Clock;
  random: () => number;
  signal?: AbortSignal | undefined;
  settler: AttemptSettler;
  run: RequestRun;
  /** Tokens a call to `candidate` would use, for providers with a `tokensPerMinute` limit (0 when absent). */
  estimateTokens?: ((candidate: RouteCandidate) => number) | undefined;
  /** One upstream call. Throws typed errors. */
  call(candidate: RouteCandidate): Promise<T>;
}

/** The call that answered, still open: the caller settles it (a stream only once it completes). */
export interface FailoverResult<T> {
  value: T;
  attempt: OpenAttempt;
}

/**
 * The failover loop, the one retry owner. Each pass walks the candidates in order, skipping open,
 * probing or cooling providers and those at their rate limit (`admitCandidate`); a failure moves
 * on to the next candidate at once. Between passes it waits, on the client's clock, until the
 * earliest provider becomes available (Retry-After, or a rate limit's next place), plus a
 * full-jitter backoff — so the requests that met one cooldown do not all come back the moment it
 * ends — but never for a provider further away than `maxDelayMs`, nor past the retry
 * budget: then it fails fast with `retryAfterMs`. No provider gets more than its own
 * `maxAttempts` calls per request (`providers[].retry` over the global `retry`); the loop ends when
 * no candidate has calls left (at most the largest maxAttempts passes). Backoff and budget come from the request-wide `retry`.
 *
 * Every failure is settled by the AttemptSettler, which decides what it costs the provider; the
 * loop only acts on the verdict: caller errors and aborts end the request at once, 401/403 exclude
 * the provider for this request, a failure that says not to retry excludes it too. A refusal the
 * route fails over on (`failoverOn`) excludes the provider and moves on with no circuit cost; for
 * a context-length refusal, candidates with no larger context window are passed over too.
 */
export async function runFailover<T>(options: FailoverOptions<T>): Promise<FailoverResult<T>> {
  const { candidates, retry, clock, settler, run } = options;
  const started = clock.now();
  const firstAttempt = run.attempts.length;
  const calls = new Map<ProviderSlot, number>();
  const excluded = new Set<ProviderSlot>();
  // As many passes as the most patient candidate's maxAttempts (each provider has its own cap).
  const maxPasses = Math.max(1, ...candidates.map((c) => c.slot.retry.maxAttempts));
  const admit: AdmitContext = {
    settler,
    run,
    clock,
    signal: options.signal,
    deadline: started + retry.budgetMs,
    tokens: options.estimateTokens ?? (() => 0),
    rateRetryAt: new Map(),
  };

  for (let pass = 1; ; pass += 1) {
    for (const candidate of candidates) {
      const { slot } = candidate;
      if (excluded.has(slot) || (calls.get(slot) ?? 0) >= slot.retry.maxAttempts) continue;

      const admitted = admitCandidate(candidate, admit);
      const admission = admitted instanceof Promise ? await admitted : admitted;
      if (!admission) continue;
      calls.set(slot, (calls.get(slot) ?? 0) + 1);

      const startedAt = performance.now();
      const { grant } = admission;
      let attempt: OpenAttempt = { candidate, permit: admission.permit, startedAt, grant };
      try {
        attempt = {
          candidate,
          permit: await slot.limiter.admit(admission.permit, options.signal),
          startedAt,
          grant,
        };
        return { value: await options.call(candidate), attempt };
      } catch (thrown) {
        const error = asFlexiAIError(thrown, candidate);
        const verdict = settler.settle(run, attempt, { ok: false, error });
        if (verdict === 'aborted') {
          throw AbortedError.isInstance(error)
            ? error
            : new AbortedError(undefined, { cause: error });
        }
        if (verdict === 'caller') throw error;
        if (verdict === 'refusal') {
          excluded.add(slot);
          if (refusalOf(error) === 'context_length') {
            passOverSmallerWindows(candidate, candidates, excluded, (c) =>
              settler.skipped(run, c, { ok: false, reason: 'context_window', retryAt: null }),
            );
          }
          continue;
        }
        if (verdict === 'auth' || verdict === 'overload' || !isRetryable(error)) excluded.add(slot);
      }
    }

    if (options.signal?.aborted)
      throw new AbortedError(undefined, { cause: options.signal.reason });
    const remaining = candidates.filter(
      (c) => !excluded.has(c.slot) && (calls.get(c.slot) ?? 0) < c.slot.retry.maxAttempts,
    );
    const availableAt = remaining.length
      ? Math.min(
          ...remaining.map((c) =>
            Math.max(c.slot.breaker.availableAt(), admit.rateRetryAt.get(c.slot) ?? 0),
          ),
        )
      : undefined;
    const now = clock.now();
    // The jitter comes on top of the wait for availability: requests that met the same cooldown
    // deadline come back spread over the backoff window after it, not all in the millisecond it ends.
    const untilAvailable = availableAt === undefined ? 0 : Math.max(0, availableAt - now);
    const waitMs = untilAvailable + fullJitterBackoff(pass, { ...retry, random: options.random });
    const giveUp =
      pass >= maxPasses ||
      availableAt === undefined ||
      // Never wait for a provider further away than one backoff ceiling: fail fast with retryAfterMs.
      untilAvailable > retry.maxDelayMs ||
      now + waitMs > started + retry.budgetMs;
    if (giveUp) {
      const retryAfterMs =
        availableAt !== undefined && availableAt > now ? availableAt - now : undefined;
      throw allProvidersFailed(run.attempts.slice(firstAttempt), retryAfterMs);
    }
    try {
      await sleep(waitMs, options.signal, clock);
    } catch (reason) {
      throw new AbortedError(undefined, { cause: reason });
    }
  }
}

/**
 * After a context-length refusal, the candidates whose known context window is no larger than the
 * refusing one's cannot fit the prompt either: they are excluded (and recorded as skipped).
 * Candidates whose window is unknown are still tried.
 */
function passOverSmallerWindows(
  refused: RouteCandidate,
  candidates: readonly RouteCandidate[],
  excluded: Set<ProviderSlot>,
  skip: (candidate: RouteCandidate) => void,
): void {
  const limit = contextWindowOf(refused);
  if (limit === undefined) return;
  for (const candidate of candidates) {
    if (excluded.has(candidate.slot)) continue;
    const window = contextWindowOf(candidate);
    if (window !== undefined && window <= limit) {
      excluded.add(candidate.slot);
      skip(candidate);
    }
  }
}

/** Anything a provider threw, as a FlexiAI error (a custom provider may throw anything). */
function asFlexiAIError(thrown: unknown, candidate: RouteCandidate): FlexiAIError {
  if (FlexiAIError.isInstance(thrown)) return thrown;
  if (thrown instanceof Error && thrown.name === 'AbortError') {
    return new AbortedError(undefined, { cause: thrown });
  }
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new ProviderError(`unexpected failure: ${detail}`, {
    provider: candidate.slot.name,
    model: candidate.model,
    cause: thrown,
  });
}
