import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import { AuthenticationError } from '../errors/authentication-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import type { RefusalKind } from '../errors/refusal-kind.js';
import { RETRY, unitFleet } from '../../test/helpers/unit-fleet.js';
import { runFailover } from './failover.js';

const err500 = (provider: string) =>
  new ProviderError('boom', { provider, model: `model-${provider}`, status: 500 });

function loop(fleet: ReturnType<typeof unitFleet>, signal?: AbortSignal) {
  return loopWith(fleet, undefined, signal);
}

function loopWith(
  fleet: ReturnType<typeof unitFleet>,
  failoverOn: ReadonlySet<RefusalKind> | undefined,
  signal?: AbortSignal,
) {
  const run = { ...fleet.newRun(), failoverOn };
  const promise = runFailover({
    candidates: fleet.candidates,
    retry: RETRY,
    clock: fleet.clock,
    random: () => 0.5,
    signal,
    settler: fleet.settler,
    run,
    call: ({ slot, model }) =>
      slot.provider.chat(
        { messages: [{ role: 'user', content: 'x' }], model },
        {
          correlationId: run.requestId,
          logger: run.log,
        },
      ),
  });
  return { run, promise };
}

describe('runFailover (no sockets, fake clock)', () => {
  it('fails over at once on a provider failure, counting it against that circuit only', async () => {
    const fleet = unitFleet(['a', 'b']);
    fleet.providers[0]?.next({ throw: err500('a') });
    const { run, promise } = loop(fleet);
    const { value, attempt } = await promise;
    expect(value.content).toBe('(b) ok');
    expect(attempt.candidate.slot.name).toBe('b');
    expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(1);
    expect(fleet.slots[1]?.breaker.snapshot().failures).toBe(0);
    expect(run.attempts.map((a) => [a.provider, a.ok])).toEqual([['a', false]]);
    expect(fleet.attempts.map((a) => [a.provider, a.outcome, a.failureClass])).toEqual([
      ['a', 'error', 'transient'],
    ]);
    expect(fleet.clock.pending).toBe(0);
  });

  it('backs off between passes on the injected clock, with no real waiting', async () => {
    const fleet = unitFleet(['a']);
    fleet.providers[0]?.next({ throw: err500('a') });
    const { promise } = loop(fleet);
    let done = false;
    void promise.then(() => (done = true));
    await fleet.clock.tick(0);
    expect(done).toBe(false);
    expect(fleet.clock.pending).toBe(1);
    // Full jitter up to initialDelayMs on pass 1, with random 0.5: at most 100 ms.
    await fleet.clock.tick(100);
    expect(done).toBe(true);
    expect((await promise).value.content).toBe('(a) ok');
    expect(fleet.providers[0]?.calls).toBe(2);
  });

  it('a 429 cools the provider down (event), leaves its circuit alone, and waits for Retry-After', async () => {
    const fleet = unitFleet(['a']);
    fleet.providers[0]?.next({
      throw: new RateLimitError('slow down', {
        provider: 'a',
        model: 'model-a',
        status: 429,
        retryAfterMs: 800,
      }),
    });
    const { promise } = loop(fleet);
    let done = false;
    void promise.then(() => (done = true));
    await fleet.clock.tick(799);
    expect(done).toBe(false);
    expect(fleet.cooldowns).toMatchObject([{ provider: 'a', retryAfterMs: 800 }]);
    expect(fleet.slots[0]?.breaker.snapshot()).toMatchObject({ state: 'closed', failures: 0 });
    await fleet.clock.tick(200);
    expect(done).toBe(true);
  });

  it("a caller's error ends the request at once: no failover, no circuit movement", async () => {
    const fleet = unitFleet(['a', 'b']);
    const refusal = new InvalidRequestError('bad field', {
      provider: 'a',
      model: 'model-a',
      status: 400,
    });
    fleet.providers[0]?.next({ throw: refusal });
    const { promise } = loop(fleet);
    await expect(promise).rejects.toBe(refusal);
    expect(fleet.providers[1]?.calls).toBe(0);
    expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(0);
    expect(fleet.attempts[0]?.failureClass).toBe('caller');
  });

  it('401 excludes the provider for the request and marks it misconfigured; its circuit untouched', async () => {
    const fleet = unitFleet(['a', 'b']);
    fleet.providers[0]?.next({
      throw: new AuthenticationError('bad key', { provider: 'a', model: 'model-a', status: 401 }),
    });
    const { value } = await loop(fleet).promise;
    expect(value.content).toBe('(b) ok');
    expect(fleet.slots[0]?.misconfigured?.message).toContain('bad key');
    expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(0);
  });

  it('gives up after maxAttempts passes with every attempt, and skips open circuits', async () => {
    const fleet = unitFleet(['a', 'b'], { failureThreshold: 2 });
    for (const p of fleet.providers) p.next({ throw: err500(p.name) }, { throw: err500(p.name) });
    const { promise } = loop(fleet);
    const settledError = promise.catch((e: unknown) => e);
    await fleet.clock.runAll();
    const error = await settledError;
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    // Two failures open each circuit: the third pass finds both open and stops.
    expect(fleet.providers.map((p) => p.calls)).toEqual([2, 2]);
    expect(
      (error as AllProvidersFailedError).attempts.map((a) => a.skipped ?? (a.ok ? 'ok' : 'fail')),
    ).toEqual(['fail', 'fail', 'fail', 'fail']);
  });

  it('an abort during the backoff wait ends the request with AbortedError', async () => {
    const fleet = unitFleet(['a']);
    fleet.providers[0]?.next({ throw: err500('a') });
    const controller = new AbortController();
    const { promise } = loop(fleet, controller.signal);
    const outcome = promise.catch((e: unknown) => e);
    await fleet.clock.tick(0);
    controller.abort();
    expect(AbortedError.isInstance(await outcome)).toBe(true);
    expect(fleet.providers[0]?.calls).toBe(1);
  });

  it("caps each provider's calls by its own retry.maxAttempts (providers[].retry over the global one)", async () => {
    const fleet = unitFleet(['a', 'b'], {
      retry: { a: { maxAttempts: 1 }, b: { maxAttempts: 4 } },
    });
    for (const p of fleet.providers)
      p.next(...Array.from({ length: 5 }, () => ({ throw: err500(p.name) })));
    const { promise } = loop(fleet);
    const settledError = promise.catch((e: unknown) => e);
    await fleet.clock.runAll();
    expect(AllProvidersFailedError.isInstance(await settledError)).toBe(true);
    // `a` is called once, `b` on every one of its four passes; RETRY.maxAttempts (3) is not the cap.
    expect(fleet.providers.map((p) => p.calls)).toEqual([1, 4]);
  });

  describe('opt-in failover triggers (routes.<r>.failoverOn)', () => {
    const tooLong = (provider: string) =>
      new InvalidRequestError('prompt is too long', {
        provider,
        model: `model-${provider}`,
        status: 400,
        refusal: 'context_length',
      });
    const withWindows = (fleet: ReturnType<typeof unitFleet>, windows: (number | undefined)[]) =>
      fleet.slots.forEach((slot, i) =>
        Object.assign(slot, { config: { contextWindow: windows[i] } }),
      );
    const refusing = (failoverOn: RefusalKind[]) => {
      const fleet = unitFleet(['small', 'same', 'large']);
      withWindows(fleet, [8_000, 8_000, 128_000]);
      fleet.providers[0]?.next({ throw: tooLong('small') });
      const { run, promise } = loopWith(fleet, new Set(failoverOn));
      return { fleet, run, promise };
    };

    it('a context-length refusal moves to a larger-context candidate, skipping one no larger, with no circuit cost', async () => {
      const { fleet, run, promise } = refusing(['context_length']);
      const { value, attempt } = await promise;
      expect(value.content).toBe('(large) ok');
      expect(attempt.candidate.slot.name).toBe('large');
      expect(fleet.providers.map((p) => p.calls)).toEqual([1, 0, 1]);
      expect(run.attempts.map((a) => [a.provider, a.skipped ?? (a.ok ? 'ok' : 'fail')])).toEqual([
        ['small', 'fail'],
        ['same', 'context_window'],
      ]);
      expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(0);
      expect(fleet.attempts[0]?.failureClass).toBe('refusal');
    });

    it('without the trigger the caller gets the refusal as before, and no other provider is called', async () => {
      const { fleet, promise } = refusing([]);
      const error = await promise.catch((e: unknown) => e);
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect((error as InvalidRequestError).refusal).toBe('context_length');
      expect(fleet.providers.map((p) => p.calls)).toEqual([1, 0, 0]);
    });

    it('a trigger for another kind does not move a context-length refusal', async () => {
      const { fleet, promise } = refusing(['content_filter']);
      expect(InvalidRequestError.isInstance(await promise.catch((e: unknown) => e))).toBe(true);
      expect(fleet.providers.map((p) => p.calls)).toEqual([1, 0, 0]);
    });

    it('many refusals never open the refusing circuit', async () => {
      const fleet = unitFleet(['a', 'b'], { failureThreshold: 2 });
      for (let i = 0; i < 5; i += 1) {
        fleet.providers[0]?.next({
          throw: new InvalidRequestError('blocked', {
            provider: 'a',
            model: 'model-a',
            status: 400,
            refusal: 'content_filter',
          }),
        });
        const { value } = await loopWith(fleet, new Set<RefusalKind>(['content_filter'])).promise;
        expect(value.content).toBe('(b) ok');
      }
      expect(fleet.slots[0]?.breaker.snapshot().state).toBe('closed');
      expect(fleet.slots[0]?.breaker.snapshot().failures).toBe(0);
    });
  });
});
