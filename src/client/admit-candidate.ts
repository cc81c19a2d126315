import { AbortedError } from '../errors/aborted-error.js';
import type { Clock } from '../internal/clock.js';
import { sleep } from '../internal/sleep.js';
import type { Permit } from '../resilience/circuit-breaker.js';
import type { RateDecision, RateGrant } from '../resilience/rate-limiter.js';
import type { ProviderSlot, RouteCandidate } from './provider-slot.js';
import type { AttemptSettler, RequestRun } from './settle-attempt.js';

/** Leave to call a candidate: its circuit permit and, under a rate limit, its place in the window. */
export interface Admission {
  permit: Permit;
  grant: RateGrant | undefined;
}

export interface AdmitContext {
  settler: AttemptSettler;
  run: RequestRun;
  clock: Clock;
  signal: AbortSignal | undefined;
  /** Epoch ms by which a wait for a rate-limited provider must end (the request's retry budget). */
  deadline: number;
  /** Tokens a call to this candidate reserves (only asked for providers with a tokens limit). */
  tokens(candidate: RouteCandidate): number;
  /** When each rate-limited provider of this request frees a place (for the wait between passes). */
  rateRetryAt: Map<ProviderSlot, number>;
}

type Admitted = Admission | undefined;

/**
 * Asks the candidate's circuit breaker for a permit (never waits) and, when the provider has a
 * `requestsPerMinute` / `tokensPerMinute` limit, for a place in its window (Redis when shared).
 * Undefined when the provider is passed over; the skip is recorded once (`circuit_open`,
 * `cooldown`, `half_open_busy`, or `rate_limited`: no circuit movement, the permit released).
 *
 * With `onLimit: wait`, a provider at its limit is waited for on the client's clock instead, when
 * its next place frees within `maxWaitMs` of the first refusal and before `deadline`; then asked
 * again (another worker may have taken the place: the wait repeats within the same bounds). The
 * breaker permit is not held while waiting.
 */
export function admitCandidate(
  candidate: RouteCandidate,
  ctx: AdmitContext,
  waitUntil?: number,
): Admitted | Promise<Admitted> {
  const { slot } = candidate;
  const permit = slot.breaker.tryAcquire();
  if (!permit.ok) {
    ctx.settler.skipped(ctx.run, candidate, permit);
    return undefined;
  }
  const limiter = slot.rateLimiter;
  if (!limiter) return { permit, grant: undefined };
  const decision = limiter.reserve(limiter.countsTokens ? ctx.tokens(candidate) : 0);
  if (!(decision instanceof Promise)) return decide(candidate, permit, decision, ctx, waitUntil);
  return decision.then(
    (settled) => decide(candidate, permit, settled, ctx, waitUntil),
    (error: unknown) => {
      permit.release();
      throw error;
    },
  );
}

function decide(
  candidate: RouteCandidate,
  permit: Permit,
  decision: RateDecision,
  ctx: AdmitContext,
  waitUntil: number | undefined,
): Admitted | Promise<Admitted> {
  const { slot } = candidate;
  if (decision.ok) {
    ctx.rateRetryAt.delete(slot);
    return { permit, grant: decision };
  }
  permit.release();
  ctx.rateRetryAt.set(slot, decision.retryAt);
  const limits = slot.rateLimiter?.limits;
  const now = ctx.clock.now();
  if (limits?.onLimit === 'wait') {
    const until = Math.min(waitUntil ?? now + limits.maxWaitMs, ctx.deadline);
    if (decision.retryAt <= until) {
      return sleep(decision.retryAt - now, ctx.signal, ctx.clock).then(
        () => admitCandidate(candidate, ctx, until),
        (reason: unknown) => {
          throw new AbortedError(undefined, { cause: reason });
        },
      );
    }
  }
  ctx.settler.skipped(ctx.run, candidate, {
    ok: false,
    reason: 'rate_limited',
    retryAt: decision.retryAt,
  });
  return undefined;
}
