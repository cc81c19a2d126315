import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderType } from '../src/config/provider-config-schema.js';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { CircuitOpenError } from '../src/errors/circuit-open-error.js';
import { RateLimitError } from '../src/errors/rate-limit-error.js';
import { fault, type Fault } from '../src/testing/faults.js';
import type { RecordedRequest, SimulatedProvider } from '../src/testing/simulated-provider.js';
import type * as SleepModule from '../src/internal/sleep.js';
import type { ChatResponse } from '../src/types/response.js';
import { createFleet, PROVIDER_TYPES, userMessage, type Fleet } from './helpers/sim-fleet.js';

/**
 * When each backoff wait of the failover loop is due (the time it was scheduled plus its length):
 * the retry schedule the client chose, which a loaded machine cannot bunch up, unlike the times
 * the retries reach the simulator (timers that fire late fire together).
 */
const backoff = vi.hoisted(() => ({ wakeAt: [] as number[] }));
vi.mock('../src/internal/sleep.js', async (importOriginal) => {
  const actual = await importOriginal<typeof SleepModule>();
  return {
    ...actual,
    sleep: (ms: number, signal?: AbortSignal) => {
      backoff.wakeAt.push(Date.now() + ms);
      return actual.sleep(ms, signal);
    },
  };
});

/**
 * U5: every provider answers 429 under 1,000 concurrent requests.
 *
 * What the criterion means with the pass-based loop (src/client/failover.ts): `retry.maxAttempts`
 * is the number of passes, so a request calls each provider at most `maxAttempts` times, and a
 * provider receives at most `requests x maxAttempts` calls (all providers together at most
 * `requests x maxAttempts x providers`). A 429 cools the provider down for everyone; between
 * passes a request waits until a provider is available again plus a full-jitter backoff, so the
 * requests that met the same cooldown come back spread over the backoff window after it, not all
 * in the millisecond it ends (a retry storm). No request is lost: each ends in a result or a
 * well-formed AllProvidersFailedError whose attempts are all 429s or cooldown skips.
 */
const REQUESTS = 1_000;
const MAX_ATTEMPTS = 3;
const INITIAL_DELAY_MS = 2_000;
/** The rate limiter's window: every call before its end gets a 429 whose Retry-After points at it. */
const WINDOW_MS = 800;
/**
 * The per-provider tests' backoff window, half the all-at-once test's: their one retry wave is
 * measured on the client's schedule, whose shape (uniform over the window, no bunching at its
 * start) does not depend on its length; the density checks use windows of the same fractions
 * (a quarter, and a twentieth: 50 ms here for 100 ms of 2 s).
 */
const U5_INITIAL_DELAY_MS = 1_000;
/** U5's one window: long, so that a loaded machine still gets much of the burst out within it. */
const U5_WINDOW_MS = 1_000;

/** A request's prompt, which tells the calls of one request apart (`r<i>`). */
const promptOf = (request: RecordedRequest): string =>
  /\br\d+\b/.exec(JSON.stringify(request.body))?.[0] ?? '?';

/** Calls per request at one simulator. */
function callsPerRequest(requests: readonly RecordedRequest[]): Map<string, RecordedRequest[]> {
  const byPrompt = new Map<string, RecordedRequest[]>();
  for (const r of requests.filter((x) => x.operation === 'chat')) {
    const list = byPrompt.get(promptOf(r)) ?? [];
    list.push(r);
    byPrompt.set(promptOf(r), list);
  }
  return byPrompt;
}

/** The largest number of `times` (ms) inside any window of `windowMs`. */
function densestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * The most of `n` uniformly spread times that one window holding `p` of the spread may contain:
 * the measured ratio for large samples, and a 4-sigma (+3) binomial margin for small ones (on a
 * loaded machine fewer of the burst meet the window, so the sample can be small).
 */
function uniformBound(n: number, p: number, measured: number): number {
  return Math.max(n * measured, n * p + 4 * Math.sqrt(n * p * (1 - p)) + 3);
}

/** Sends REQUESTS concurrent requests; every one must settle (none lost, none unhandled). */
async function burst(fleet: Fleet): Promise<PromiseSettledResult<ChatResponse>[]> {
  const results = await Promise.allSettled(
    Array.from({ length: REQUESTS }, (_, i) => fleet.ai.chatCompletion(userMessage(`r${i}`))),
  );
  expect(results).toHaveLength(REQUESTS);
  return results;
}

/** A well-formed outcome of a rate-limited request: every call a 429, every skip a cooldown. */
function expectRateLimitedAttempts(error: unknown): void {
  expect(AllProvidersFailedError.isInstance(error)).toBe(true);
  const { attempts } = error as AllProvidersFailedError;
  expect(attempts.length).toBeGreaterThan(0);
  for (const attempt of attempts) {
    if (attempt.skipped) {
      expect(attempt.skipped).toBe('cooldown');
      expect(CircuitOpenError.isInstance(attempt.error)).toBe(true);
    } else {
      expect(RateLimitError.isInstance(attempt.error)).toBe(true);
      expect(attempt.status).toBe(429);
    }
  }
}

const make = (types: ProviderType[], initialDelayMs = INITIAL_DELAY_MS) =>
  createFleet(types, (c) => ({
    ...c,
    // Generous connect deadline: thousands of connections opened at once on a loaded machine can
    // take longer than the 5 s default, and a connect timeout is not the 429 under test.
    providers: c.providers.map((p) => ({ ...p, connectTimeoutMs: 60_000 })),
    retry: { maxAttempts: MAX_ATTEMPTS, initialDelayMs, maxDelayMs: 2 * initialDelayMs },
  }));

interface FixedWindow {
  reply: (request: RecordedRequest) => Fault;
  /** Where the first window's Retry-After points (epoch ms), once a call opened it. */
  firstEnd: () => number;
}

/**
 * A fixed-window rate limiter, as providers run them: every call until the window ends gets a 429
 * whose Retry-After points at that end, the same instant for every caller. After it, `then` answers;
 * without `then`, a new window starts and rate limits again.
 */
function fixedWindow(then?: Fault, windowMs = WINDOW_MS): FixedWindow {
  let first: number | undefined;
  let end: number | undefined;
  return {
    firstEnd: () => first ?? Number.NaN,
    reply: () => {
      const now = Date.now();
      first ??= now + windowMs;
      end ??= first;
      if (now >= end) {
        if (then) return then;
        end += windowMs * Math.ceil((now - end + 1) / windowMs);
      }
      return fault.status(429, { retryAfterMs: end - now });
    },
  };
}

describe('U5: every provider 429s under 1,000 concurrent requests', () => {
  let fleet: Fleet;
  beforeEach(() => {
    backoff.wakeAt = [];
  });
  afterEach(() => fleet.close());

  it.each(PROVIDER_TYPES)(
    '%s: retries wait for Retry-After, come back jittered, at most maxAttempts calls each; 0 lost',
    async (type) => {
      fleet = await make([type], U5_INITIAL_DELAY_MS);
      const sim = fleet.sims[0] as SimulatedProvider;
      // One request first, so that the burst does not pay for the first call's warm-up (on a
      // loaded machine, fewer of the burst would meet the window).
      await fleet.ai.chatCompletion(userMessage('warm-up'));
      sim.reset();
      // One window of 429s (every request's first call), then the provider recovers.
      const limiter = fixedWindow(fault.ok(), U5_WINDOW_MS);
      sim.setDefault(limiter.reply);

      const results = await burst(fleet);

      // 0 lost: each request ends in a result (its first call a 429) or a well-formed error.
      for (const result of results) {
        if (result.status === 'rejected') expectRateLimitedAttempts(result.reason);
        else if (result.value.attempts.length > 1) {
          expect(result.value.attempts[0]?.status).toBe(429);
          expect(result.value.attempts.at(-1)?.ok).toBe(true);
        }
      }
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);

      // Bounded: at most maxAttempts calls per request, requests x maxAttempts in all.
      const perRequest = callsPerRequest(sim.requests);
      expect(perRequest.size).toBe(REQUESTS);
      for (const list of perRequest.values()) expect(list.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      expect(sim.chatCalls).toBeLessThanOrEqual(REQUESTS * MAX_ATTEMPTS);

      // Every request whose first call met the window retried. How many of the 1,000 reach the
      // provider before the first 429 cools it down for everyone depends on the machine (all of
      // them when idle, 386 seen under CPU contention); the others waited out the cooldown
      // without calling. Either way each request waited (scheduled a backoff) at least once.
      const firstWasLimited = [...perRequest.values()].filter(
        (l) => (l[0] as RecordedRequest).receivedAt < limiter.firstEnd(),
      );
      expect(firstWasLimited.length).toBeGreaterThan(0);
      expect(firstWasLimited.every((l) => l.length > 1)).toBe(true);
      // Retry-After honoured: no retry before the instant every 429 pointed at.
      const retries = [...perRequest.values()].flatMap((l) => l.slice(1).map((r) => r.receivedAt));
      expect(retries.length).toBeGreaterThanOrEqual(firstWasLimited.length);
      expect(Math.min(...retries)).toBeGreaterThanOrEqual(limiter.firstEnd());
      // Jittered, no retry storm: the client schedules its retries spread over the backoff window
      // after the Retry-After (uniform: 25% in any quarter of it, 5% in any twentieth; measured
      // 26-30% and at most 8.3%), not bunched where it starts (without the jitter on top of
      // Retry-After: 33-57% in one quarter, 10-35% in a twentieth). Measured on the schedule, not on
      // arrival, so a busy machine firing late timers together cannot fail it.
      const wakes = backoff.wakeAt;
      expect(wakes.length).toBeGreaterThanOrEqual(firstWasLimited.length);
      if (wakes.length >= 10)
        expect(Math.max(...wakes) - Math.min(...wakes)).toBeGreaterThanOrEqual(
          U5_INITIAL_DELAY_MS / 2,
        );
      expect(densestWindow(wakes, U5_INITIAL_DELAY_MS / 4)).toBeLessThanOrEqual(
        uniformBound(wakes.length, 0.25, 0.35),
      );
      expect(densestWindow(wakes, U5_INITIAL_DELAY_MS / 20)).toBeLessThanOrEqual(
        uniformBound(wakes.length, 0.05, 0.12),
      );
    },
  );

  it('every provider type at once, 429 on every call: bounded calls, well-formed errors, no retry wave', async () => {
    fleet = await make([...PROVIDER_TYPES]);
    for (const sim of fleet.sims) sim.setDefault(fixedWindow().reply);

    const results = await burst(fleet);

    // 0 lost: every request ends in an AllProvidersFailedError of 429s and cooldown skips, and
    // says when to come back (at most one window away).
    const waits: number[] = [];
    for (const result of results) {
      expect(result.status).toBe('rejected');
      if (result.status !== 'rejected') continue;
      expectRateLimitedAttempts(result.reason);
      const { retryAfterMs, attempts } = result.reason as AllProvidersFailedError;
      if (retryAfterMs !== undefined) waits.push(retryAfterMs);
      // The request's own record: no provider called more than maxAttempts times.
      const calls = new Map<string, number>();
      for (const a of attempts)
        if (!a.skipped) calls.set(a.provider, (calls.get(a.provider) ?? 0) + 1);
      expect(Math.max(...calls.values())).toBeLessThanOrEqual(MAX_ATTEMPTS);
    }
    expect(waits.length).toBeGreaterThan(REQUESTS * 0.9);
    expect(Math.max(...waits)).toBeLessThanOrEqual(WINDOW_MS);

    let total = 0;
    for (const sim of fleet.sims) {
      total += sim.chatCalls;
      const perRequest = callsPerRequest(sim.requests);
      for (const list of perRequest.values()) expect(list.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      expect(sim.chatCalls).toBeLessThanOrEqual(REQUESTS * MAX_ATTEMPTS);
      // No retry wave: when a window ends, the jittered requests trickle back and the first 429
      // of the next window cools the provider again (measured: at most 14% of the requests call a
      // provider again on an idle machine, up to 28% under CPU contention, where each 429 takes
      // longer to come back and cool the provider). Without the jitter on top of Retry-After they
      // came back together: 31-87% of the requests called the first provider again at once. The
      // schedule check below is the exact guard; this bound only catches a gross wave.
      const retries = [...perRequest.values()].reduce((n, l) => n + l.length - 1, 0);
      expect(retries).toBeLessThanOrEqual(REQUESTS * 0.5);
    }
    expect(total).toBeLessThanOrEqual(REQUESTS * MAX_ATTEMPTS * fleet.sims.length);
    // The waits the clients scheduled are spread, never one instant for everyone (no jitter
    // would put every wait of a pass at the cooldown's end: 100% in one 100 ms window).
    expect(backoff.wakeAt.length).toBeGreaterThan(0);
    expect(densestWindow(backoff.wakeAt, 100)).toBeLessThanOrEqual(
      uniformBound(backoff.wakeAt.length, 0.05, 0.12),
    );
  });
});
