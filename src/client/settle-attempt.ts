import type { RetryConfig } from '../config/config-schema.js';
import type { FlexiAIError } from '../errors/flexiai-error.js';
import { classifyError, type FailureClass } from '../errors/is-retryable.js';
import { ProviderError } from '../errors/provider-error.js';
import type { PartialOutput } from '../errors/stream-interrupted-error.js';
import { refusalOf, type RefusalKind } from '../errors/refusal-kind.js';
import type { Clock } from '../internal/clock.js';
import type { Denial, Permit } from '../resilience/circuit-breaker.js';
import type { RateGrant } from '../resilience/rate-limiter.js';
import type { Attempt } from '../types/attempt.js';
import type { Usage } from '../types/usage.js';
import type { ClientEvents } from './client-events.js';
import type { AttemptEvent, Operation } from './event-types.js';
import type { RouteCandidate } from './provider-slot.js';
import type { RequestLog } from './request-log.js';
import { skipError } from './skip-error.js';

/** Tokens a call used, as its usage reports them. */
const tokensOf = (usage: Usage): number =>
  usage.totalTokens > 0 ? usage.totalTokens : usage.promptTokens + usage.completionTokens;

/** One request as the settle point records it: every attempt of every call it made. */
export interface RequestRun {
  readonly requestId: string;
  readonly operation: Operation;
  readonly route: string;
  readonly log: RequestLog;
  /** Every upstream call and skip of this request, in order. */
  readonly attempts: Attempt[];
  /** `performance.now()` when a stream's first output was read (set by the stream runner). */
  firstOutputAt?: number | undefined;
  /** Refusals the request's route fails over on (`routes.<r>.failoverOn`); none by default. */
  failoverOn?: ReadonlySet<RefusalKind> | undefined;
}

/**
 * How a settled failure is treated: its FailureClass, or `refusal` when the provider refused for a
 * reason the route fails over on (the request moves on; the provider's circuit is untouched).
 */
export type Verdict = FailureClass | 'refusal';

/** An upstream call under way: its candidate, its circuit permit and when it started. */
export interface OpenAttempt {
  readonly candidate: RouteCandidate;
  readonly permit: Permit;
  /** `performance.now()` at the call's start. */
  readonly startedAt: number;
  /** Its place in the provider's rate-limit window, corrected to the real usage when settled. */
  readonly grant?: RateGrant | undefined;
}

export type AttemptOutcome =
  | { ok: true; usage?: Usage | undefined; ttftMs?: number | undefined }
  | { ok: false; error: FlexiAIError; partial?: PartialOutput | undefined };

/** Prices a settled call: sets `attempt.costUsd` (and `costEstimated`) when it can. */
export type AttemptPricer = (
  attempt: Attempt,
  info: { run: RequestRun; partial?: PartialOutput | undefined },
) => void;

export interface SettlerDeps {
  clock: Clock;
  events: ClientEvents;
  retry: RetryConfig;
  /** Prices each call before it is recorded and emitted (the cost tracker). */
  priceAttempt?: AttemptPricer | undefined;
}

/**
 * THE place an upstream call's outcome is attributed and counted, for plain calls and streams
 * alike: it settles the circuit permit, cools a rate-limited provider down, marks or clears a
 * misconfigured provider, records the attempt, logs a provider failure, and emits the `attempt`
 * (and `cooldown`) event. A failure counts against the circuit only when `classifyError` calls it
 * `transient`: the provider's own failure in the upstream exchange.
 */
export class AttemptSettler {
  constructor(private readonly deps: SettlerDeps) {}

  /** A provider passed over (open circuit, cooldown, probe busy, rate limit). Repeats of the same skip are recorded once. */
  skipped(run: RequestRun, candidate: RouteCandidate, denial: Denial): void {
    const { slot, model } = candidate;
    const last = run.attempts.findLast((a) => a.provider === slot.name);
    if (last?.skipped === denial.reason) return;
    const error = skipError(slot.name, denial);
    run.attempts.push({
      provider: slot.name,
      model,
      ok: false,
      latencyMs: 0,
      skipped: denial.reason,
      error,
    });
    if (this.deps.events.wanted('attempt')) {
      this.deps.events.emit('attempt', {
        requestId: run.requestId,
        operation: run.operation,
        route: run.route,
        provider: slot.name,
        model,
        outcome: 'skipped',
        skipped: denial.reason,
        code: error.code,
        latencyMs: 0,
        error,
        at: this.deps.clock.now(),
      });
    }
  }

  /** Settles one call. Returns how its failure is treated (`ok` for a success). */
  settle(run: RequestRun, open: OpenAttempt, outcome: AttemptOutcome): Verdict | 'ok' {
    const { slot, model } = open.candidate;
    const latencyMs = performance.now() - open.startedAt;
    if (outcome.ok) {
      open.grant?.settle(outcome.usage ? tokensOf(outcome.usage) : undefined);
      open.permit.success();
      slot.misconfigured = undefined;
      const attempt: Attempt = { provider: slot.name, model, ok: true, latencyMs };
      if (outcome.usage) attempt.usage = outcome.usage;
      if (outcome.ttftMs !== undefined) attempt.ttftMs = outcome.ttftMs;
      this.deps.priceAttempt?.(attempt, { run });
      run.attempts.push(attempt);
      this.emit(run, attempt, 'ok');
      return 'ok';
    }

    const { error } = outcome;
    const refusal = run.failoverOn?.size ? refusalOf(error) : undefined;
    const failureClass: Verdict =
      refusal !== undefined && run.failoverOn!.has(refusal) ? 'refusal' : classifyError(error);
    const { clock } = this.deps;
    const status = ProviderError.isInstance(error) ? error.status : undefined;
    // A call shed before it left (our overload, a request the caller phase refused) gives its
    // rate-limit place back; any other keeps what it reserved (the upstream counted it).
    if (failureClass === 'overload' || (failureClass === 'caller' && status === undefined)) {
      open.grant?.refund();
    } else {
      open.grant?.settle();
    }
    switch (failureClass) {
      case 'transient':
        open.permit.failure();
        break;
      case 'auth':
        open.permit.release();
        slot.misconfigured = { at: clock.now(), message: error.message };
        break;
      case 'rate_limit': {
        open.permit.release();
        const retryAfterMs = ProviderError.isInstance(error) ? error.retryAfterMs : undefined;
        const until = clock.now() + (retryAfterMs ?? slot.retry.defaultCooldownMs);
        slot.breaker.coolDown(until);
        if (this.deps.events.wanted('cooldown')) {
          this.deps.events.emit('cooldown', {
            provider: slot.name,
            until,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            requestId: run.requestId,
            at: clock.now(),
          });
        }
        break;
      }
      default:
        // caller errors, aborts and refusals a route fails over on: no verdict on the provider.
        open.permit.release();
    }
    const attempt: Attempt = { provider: slot.name, model, ok: false, latencyMs, error };
    if (status !== undefined) attempt.status = status;
    this.deps.priceAttempt?.(attempt, { run, partial: outcome.partial });
    run.attempts.push(attempt);
    // Overload is ours, not the provider's, and comes in floods when it comes: not a warning each.
    if (failureClass !== 'caller' && failureClass !== 'aborted' && failureClass !== 'overload') {
      run.log.logger.warn(
        { provider: slot.name, model, code: error.code, status, latencyMs: Math.round(latencyMs) },
        `upstream call failed: ${error.message}`,
      );
    }
    this.emit(run, attempt, failureClass, error);
    return failureClass;
  }

  private emit(
    run: RequestRun,
    attempt: Attempt,
    failureClass: Verdict | 'ok',
    error?: FlexiAIError,
  ): void {
    const { events, clock } = this.deps;
    if (!events.wanted('attempt')) return;
    const event: AttemptEvent = {
      requestId: run.requestId,
      operation: run.operation,
      route: run.route,
      provider: attempt.provider,
      model: attempt.model,
      outcome: attempt.ok ? 'ok' : 'error',
      latencyMs: attempt.latencyMs,
      at: clock.now(),
    };
    if (failureClass !== 'ok') event.failureClass = failureClass;
    if (error) {
      event.code = error.code;
      event.error = error;
    }
    if (attempt.status !== undefined) event.status = attempt.status;
    if (attempt.ttftMs !== undefined) event.ttftMs = attempt.ttftMs;
    if (attempt.usage) event.usage = attempt.usage;
    if (attempt.costUsd !== undefined) event.costUsd = attempt.costUsd;
    if (attempt.costEstimated) event.costEstimated = true;
    events.emit('attempt', event);
  }
}
