import type { RetryConfig } from '../config/config-schema.js';
import { AbortedError } from '../errors/aborted-error.js';
import { CircuitOpenError } from '../errors/circuit-open-error.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import { classifyError, isRetryable } from '../errors/is-retryable.js';
import { ProviderError } from '../errors/provider-error.js';
import type { Clock } from '../internal/clock.js';
import { sleep } from '../internal/sleep.js';
import { fullJitterBackoff } from '../resilience/backoff.js';
import { allProvidersFailed } from '../resilience/all-providers-failed.js';
import type { Denial, Permit } from '../resilience/circuit-breaker.js';
import type { Attempt } from '../types/attempt.js';
import type { ProviderSlot, RouteCandidate } from './provider-slot.js';
import type { RequestLog } from './request-log.js';
import type { RequestStatsRecorder } from './request-stats.js';

export interface FailoverOptions<T> {
  candidates: readonly RouteCandidate[];
  retry: RetryConfig;
  clock: Clock;
  random: () => number;
  signal?: AbortSignal | undefined;
  stats: RequestStatsRecorder;
  log: RequestLog;
  /** One upstream call. Throws typed errors. */
  call(candidate: RouteCandidate): Promise<T>;
  /**
   * Leave the verdict on the serving call to the caller (streams: a stream succeeds only when it
   * completes). The returned permit must then be settled, and the attempt recorded, by the caller.
   */
  deferSuccess?: boolean;
}

export interface FailoverResult<T> {
  value: T;
  candidate: RouteCandidate;
  /** Every call and skip so far; with `deferSuccess`, the serving call is not in it yet. */
  attempts: Attempt[];
  permit: Permit;
  /** `performance.now()` when the serving call started. */
  startedAt: number;
}

/**
 * The failover loop, the one retry owner. Each pass walks the candidates in order, skipping open,
 * probing or cooling providers; a failure moves on to the next candidate at once. Between passes
 * it waits until the earliest provider becomes available (Retry-After), plus a full-jitter
 * backoff — so the requests that met one cooldown do not all come back the moment it ends — but
 * never for a provider further away than `maxDelayMs`, nor past the retry budget: then it fails
 * fast with `retryAfterMs`. At most `maxAttempts` passes, so no provider gets more than
 * `maxAttempts` calls per request.
 *
 * Caller errors (400/404/422) and aborts end the loop at once and leave the circuit untouched;
 * 401/403 exclude the provider for this request and mark it misconfigured; 429 cools the provider
 * down; transient failures count against its circuit.
 */
export async function runFailover<T>(options: FailoverOptions<T>): Promise<FailoverResult<T>> {
  const { candidates, retry, clock, stats, log } = options;
  const started = clock.now();
  const attempts: Attempt[] = [];
  const calls = new Map<ProviderSlot, number>();
  const excluded = new Set<ProviderSlot>();

  for (let pass = 1; ; pass += 1) {
    for (const candidate of candidates) {
      const { slot, model } = candidate;
      if (excluded.has(slot) || (calls.get(slot) ?? 0) >= retry.maxAttempts) continue;

      let admission = slot.breaker.tryAcquire();
      if (!admission.ok) {
        recordSkip(attempts, candidate, admission);
        stats.skipped(slot.name);
        continue;
      }
      calls.set(slot, (calls.get(slot) ?? 0) + 1);

      const t0 = performance.now();
      try {
        admission = await slot.limiter.admit(admission, options.signal);
        const value = await options.call(candidate);
        if (!options.deferSuccess) {
          const latencyMs = performance.now() - t0;
          admission.success();
          attempts.push({ provider: slot.name, model, ok: true, latencyMs });
          stats.callSucceeded(slot.name, latencyMs, clock.now());
          slot.misconfigured = undefined;
        }
        return { value, candidate, attempts, permit: admission, startedAt: t0 };
      } catch (thrown) {
        const error = asFlexiAIError(thrown, candidate);
        const latencyMs = performance.now() - t0;
        const status = ProviderError.isInstance(error) ? error.status : undefined;
        attempts.push({
          provider: slot.name,
          model,
          ok: false,
          latencyMs,
          error,
          ...(status === undefined ? {} : { status }),
        });
        const failureClass = classifyError(error);
        if (failureClass === 'aborted') {
          admission.release();
          throw AbortedError.isInstance(error)
            ? error
            : new AbortedError(undefined, { cause: error });
        }
        if (failureClass === 'overload') {
          admission.release();
          excluded.add(slot);
          continue;
        }
        stats.callFailed(slot.name, error, clock.now());
        if (failureClass === 'caller') {
          admission.release();
          throw error;
        }
        log.logger.warn(
          {
            provider: slot.name,
            model,
            code: error.code,
            status,
            latencyMs: Math.round(latencyMs),
          },
          `upstream call failed: ${error.message}`,
        );
        if (failureClass === 'auth') {
          admission.release();
          slot.misconfigured = { at: clock.now(), message: error.message };
          excluded.add(slot);
        } else if (failureClass === 'rate_limit') {
          admission.release();
          const waitMs = ProviderError.isInstance(error) ? error.retryAfterMs : undefined;
          slot.breaker.coolDown(clock.now() + (waitMs ?? retry.defaultCooldownMs));
          if (!isRetryable(error)) excluded.add(slot);
        } else {
          admission.failure();
          if (!isRetryable(error)) excluded.add(slot);
        }
      }
    }

    if (options.signal?.aborted)
      throw new AbortedError(undefined, { cause: options.signal.reason });
    const remaining = candidates.filter(
      (c) => !excluded.has(c.slot) && (calls.get(c.slot) ?? 0) < retry.maxAttempts,
    );
    const availableAt = remaining.length
      ? Math.min(...remaining.map((c) => c.slot.breaker.availableAt()))
      : undefined;
    const now = clock.now();
    // The jitter comes on top of the wait for availability: requests that met the same cooldown
    // deadline come back spread over the backoff window after it, not all in the millisecond it ends.
    const untilAvailable = availableAt === undefined ? 0 : Math.max(0, availableAt - now);
    const waitMs = untilAvailable + fullJitterBackoff(pass, { ...retry, random: options.random });
    const giveUp =
      pass >= retry.maxAttempts ||
      availableAt === undefined ||
      // Never wait for a provider further away than one backoff ceiling: fail fast with retryAfterMs.
      untilAvailable > retry.maxDelayMs ||
      now + waitMs > started + retry.budgetMs;
    if (giveUp) {
      const retryAfterMs =
        availableAt !== undefined && availableAt > now ? availableAt - now : undefined;
      throw allProvidersFailed(attempts, retryAfterMs);
    }
    try {
      await sleep(waitMs, options.signal);
    } catch (reason) {
      throw new AbortedError(undefined, { cause: reason });
    }
  }
}

/** Records a skip, unless the provider's last record is the same skip (later passes repeat them). */
function recordSkip(attempts: Attempt[], candidate: RouteCandidate, denial: Denial): void {
  const last = attempts.findLast((a) => a.provider === candidate.slot.name);
  if (last?.skipped === denial.reason) return;
  attempts.push({
    provider: candidate.slot.name,
    model: candidate.model,
    ok: false,
    latencyMs: 0,
    skipped: denial.reason,
    error: skipError(candidate.slot.name, denial),
  });
}

/**
 * The error a skip records. It is an entry in `attempts`, never thrown from here, so no stack is
 * captured for it (it would only point at this loop): capturing one was most of what skipping an
 * open circuit cost, on every request while the circuit stays open.
 */
function skipError(provider: string, denial: Denial): CircuitOpenError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CircuitOpenError(provider, denial.reason, denial.retryAt);
  } finally {
    Error.stackTraceLimit = limit;
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
