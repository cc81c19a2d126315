import { afterEach, describe, expect, it } from 'vitest';
import { runFailover } from '../src/client/failover.js';
import { parseConfig } from '../src/config/parse-config.js';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { mapErrorToHttp } from '../src/gateway/map-error-to-http.js';
import type { RateLimits } from '../src/resilience/rate-limiter.js';
import { FlexiAI } from '../src/client/flexiai.js';
import { silentLogger } from '../src/internal/logger.js';
import { createSimulatedProvider } from '../src/testing/simulated-provider.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { parsePrometheus, sampleSum } from './helpers/prometheus.js';
import { RETRY, unitFleet } from './helpers/unit-fleet.js';

type Fleet = ReturnType<typeof unitFleet>;

function request(fleet: Fleet, tokens = 0) {
  const run = fleet.newRun();
  const promise = runFailover({
    candidates: fleet.candidates,
    retry: RETRY,
    clock: fleet.clock,
    random: () => 0.5,
    settler: fleet.settler,
    run,
    estimateTokens: () => tokens,
    call: ({ slot, model }) =>
      slot.provider.chat(
        { messages: [{ role: 'user', content: 'x' }], model },
        { correlationId: run.requestId, logger: run.log },
      ),
  }).then(({ value, attempt }) => {
    // What the executor does with an answer: settle it with its usage.
    fleet.settler.settle(run, attempt, { ok: true, usage: value.usage });
    return { provider: attempt.candidate.slot.name, value };
  });
  return { run, promise };
}

const limited = (limits: Partial<RateLimits>) => ({ rateLimits: { a: limits } });

describe('rate limits in the failover loop (fake clock, no sockets)', () => {
  it('a provider at its requestsPerMinute is passed over like a cooling one: a skip, no circuit movement', async () => {
    const fleet = unitFleet(['a', 'b'], limited({ requestsPerMinute: 2 }));
    const served: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      served.push((await request(fleet).promise).provider);
      fleet.clock.advance(1_000);
    }
    expect(served).toEqual(['a', 'a', 'b', 'b', 'b']);
    expect(fleet.providers[0]?.calls).toBe(2);
    expect(fleet.slots[0]?.breaker.snapshot()).toMatchObject({
      state: 'closed',
      failures: 0,
      cooldownUntil: null,
      version: 0,
    });
    const skips = fleet.attempts.filter((a) => a.outcome === 'skipped');
    expect(skips).toHaveLength(3);
    expect(skips[0]).toMatchObject({
      provider: 'a',
      skipped: 'rate_limited',
      code: 'circuit_open',
    });
    // 60 s after the first call its place frees again.
    fleet.clock.advance(55_000);
    expect((await request(fleet).promise).provider).toBe('a');
  });

  it('every candidate at its limit: a well-formed error with retryAfterMs and no upstream call; the gateway maps it to 429', async () => {
    const fleet = unitFleet(['a', 'b'], {
      rateLimits: { a: { requestsPerMinute: 1 }, b: { requestsPerMinute: 1 } },
    });
    await request(fleet).promise;
    fleet.clock.advance(10_000);
    await request(fleet).promise;
    fleet.clock.advance(5_000);
    const { promise } = request(fleet);
    const error = (await promise.catch((e: unknown) => e)) as AllProvidersFailedError;
    expect(error).toBeInstanceOf(AllProvidersFailedError);
    // The earliest place frees 60 s after a's call, 15 s ago.
    expect(error.retryAfterMs).toBe(45_000);
    expect(error.attempts.map((a) => [a.provider, a.skipped])).toEqual([
      ['a', 'rate_limited'],
      ['b', 'rate_limited'],
    ]);
    expect(fleet.providers.map((p) => p.calls)).toEqual([1, 1]);
    const http = mapErrorToHttp(error);
    expect(http.status).toBe(429);
    expect(http.headers['retry-after']).toBe('45');
    expect(http.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'all_providers_failed',
    });
  });

  it('a place that frees within retry.maxDelayMs is waited for between passes, as for a cooldown', async () => {
    const fleet = unitFleet(['a'], limited({ requestsPerMinute: 1 }));
    await request(fleet).promise;
    fleet.clock.advance(59_500); // the place frees in 500 ms (< maxDelayMs of 1 s)
    const { promise } = request(fleet);
    let done = false;
    void promise.then(() => (done = true));
    await fleet.clock.tick(499);
    expect(done).toBe(false);
    await fleet.clock.tick(1 + 100); // plus at most the full-jitter backoff of pass 1
    expect(done).toBe(true);
    expect(fleet.providers[0]?.calls).toBe(2);
  });

  it('onLimit: wait — waits for the provider (no fallback call) when its place frees within maxWaitMs', async () => {
    const fleet = unitFleet(
      ['a', 'b'],
      limited({ requestsPerMinute: 1, onLimit: 'wait', maxWaitMs: 2_000 }),
    );
    await request(fleet).promise;
    fleet.clock.advance(58_500); // the place frees in 1.5 s
    const { promise, run } = request(fleet);
    let done = false;
    void promise.then(() => (done = true));
    await fleet.clock.tick(1_499);
    expect(done).toBe(false);
    expect(fleet.providers[1]?.calls).toBe(0);
    await fleet.clock.tick(1);
    expect(done).toBe(true);
    expect((await promise).provider).toBe('a');
    expect(fleet.providers.map((p) => p.calls)).toEqual([2, 0]);
    expect(run.attempts.some((a) => a.skipped)).toBe(false);
  });

  it('onLimit: wait — a place further than maxWaitMs (or past the retry budget) is passed over at once', async () => {
    const fleet = unitFleet(
      ['a', 'b'],
      limited({ requestsPerMinute: 1, onLimit: 'wait', maxWaitMs: 2_000 }),
    );
    await request(fleet).promise;
    fleet.clock.advance(50_000); // frees in 10 s
    expect((await request(fleet).promise).provider).toBe('b');

    // maxWaitMs beyond the retry budget (30 s): the budget bounds the wait.
    const patient = unitFleet(
      ['a', 'b'],
      limited({ requestsPerMinute: 1, onLimit: 'wait', maxWaitMs: 120_000 }),
    );
    await request(patient).promise;
    patient.clock.advance(20_000); // frees in 40 s > 30 s budget
    const { promise, run } = request(patient);
    expect((await promise).provider).toBe('b');
    expect(run.attempts[0]).toMatchObject({ provider: 'a', skipped: 'rate_limited' });
  });

  it('onLimit: wait — an abort during the wait ends the request', async () => {
    const fleet = unitFleet(['a', 'b'], limited({ requestsPerMinute: 1, onLimit: 'wait' }));
    await request(fleet).promise;
    fleet.clock.advance(59_000);
    const controller = new AbortController();
    const run = fleet.newRun();
    const promise = runFailover({
      candidates: fleet.candidates,
      retry: RETRY,
      clock: fleet.clock,
      random: () => 0.5,
      signal: controller.signal,
      settler: fleet.settler,
      run,
      call: ({ slot, model }) =>
        slot.provider.chat(
          { messages: [{ role: 'user', content: 'x' }], model },
          { correlationId: run.requestId, logger: run.log },
        ),
    });
    await fleet.clock.tick(10);
    controller.abort();
    await expect(promise).rejects.toMatchObject({ code: 'aborted' });
    expect(fleet.providers.map((p) => p.calls)).toEqual([1, 0]);
  });

  it('tokensPerMinute: the estimate is reserved before the call and corrected to the usage after it', async () => {
    // ScriptedProvider reports 5 tokens per call.
    const fleet = unitFleet(['a', 'b'], limited({ tokensPerMinute: 1_000 }));
    expect((await request(fleet, 900).promise).provider).toBe('a');
    // Corrected from 900 to 5: another 900 fits.
    expect((await request(fleet, 900).promise).provider).toBe('a');
    // 5 + 5 + 995 > 1,000: passed over.
    expect((await request(fleet, 995).promise).provider).toBe('b');
    expect((await request(fleet, 990).promise).provider).toBe('a');
  });

  it('a call the caller phase refused (never sent) gives its place back', async () => {
    const fleet = unitFleet(['a', 'b'], limited({ requestsPerMinute: 1 }));
    fleet.providers[0]?.next({
      throw: new ValidationError([{ path: 'messages', message: 'bad input' }]),
    });
    await expect(request(fleet).promise).rejects.toBeInstanceOf(ValidationError);
    expect((await request(fleet).promise).provider).toBe('a');
    expect(fleet.providers[0]?.calls).toBe(2);
  });
});

describe('rate limit configuration', () => {
  it('accepts the fields in a provider limits block, with defaults', () => {
    const config = parseConfig(
      {
        providers: [
          {
            name: 'a',
            type: 'openai',
            apiKey: CANARY.openai,
            model: 'gpt-4o-mini',
            limits: { requestsPerMinute: 600, tokensPerMinute: 90_000 },
          },
        ],
      },
      { env: false },
    );
    expect(config.providers[0]?.limits).toMatchObject({
      requestsPerMinute: 600,
      tokensPerMinute: 90_000,
      onLimit: 'failover',
      maxWaitMs: 2_000,
    });
  });

  it.each([
    [{ requestsPerMinute: 0 }, 'providers.0.limits.requestsPerMinute'],
    [{ requestsPerMinute: 1.5 }, 'providers.0.limits.requestsPerMinute'],
    [{ tokensPerMinute: -1 }, 'providers.0.limits.tokensPerMinute'],
    [{ onLimit: 'queue' }, 'providers.0.limits.onLimit'],
    [{ maxWaitMs: 0 }, 'providers.0.limits.maxWaitMs'],
  ])('refuses %j naming %s', (limits, path) => {
    let error: unknown;
    try {
      parseConfig(
        {
          providers: [
            { name: 'a', type: 'openai', apiKey: CANARY.openai, model: 'gpt-4o-mini', limits },
          ],
        } as never,
        { env: false },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(String((error as Error).message)).toContain(path);
  });
});

describe('rate limits through the client (real sockets)', () => {
  it('streams and embeddings are limited the same way; usage corrects the tokens', async () => {
    const sims = await Promise.all(['a', 'b'].map((name) => createSimulatedProvider({ name })));
    const ai = new FlexiAI(
      {
        providers: sims.map((sim, i) => ({
          name: ['a', 'b'][i] as string,
          type: 'openai-compatible' as const,
          baseURL: sim.baseURL,
          model: `model-${['a', 'b'][i]}`,
          embeddingModel: 'embed-1',
          ...(i === 0 ? { limits: { requestsPerMinute: 2 } } : {}),
        })),
        retry: { maxAttempts: 1 },
      },
      { logger: silentLogger, env: false },
    );
    try {
      const first = await ai
        .chatCompletionStream({ messages: [{ role: 'user', content: 'hi' }] })
        .finalResponse();
      expect(first.provider).toBe('a');
      const embedded = await ai.embed({ input: 'hello' });
      expect(embedded.provider).toBe('a');
      const second = await ai
        .chatCompletionStream({ messages: [{ role: 'user', content: 'hi' }] })
        .finalResponse();
      expect(second.provider).toBe('b');
      expect(second.attempts[0]).toMatchObject({ provider: 'a', skipped: 'rate_limited' });
      expect(sims[0]?.chatCalls).toBe(1);
      expect(ai.getProviderStatus().map((p) => p.rateLimited)).toEqual([true, undefined]);
    } finally {
      await ai.close();
      await Promise.all(sims.map((s) => s.close()));
    }
  });
});

describe('rate limits through the gateway (real sockets)', () => {
  let fixture: GatewayFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('a provider at its limit fails over; with every provider at its limit: 429 with Retry-After, no upstream call', async () => {
    fixture = await startGatewayFixture((config) => ({
      ...config,
      providers: (config.providers ?? []).map((p) => ({
        ...p,
        limits: { requestsPerMinute: 2 },
      })),
    }));
    const ask = () =>
      fetch(`${fixture?.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CANARY.gateway}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await ask()).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const refused = await ask();
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { error: { code: string } };
    expect(body.error.code).toBe('all_providers_failed');
    expect(fixture.sims.map((s) => s.chatCalls)).toEqual([2, 2]);
    const health = fixture.client.getProviderStatus();
    expect(health.map((p) => p.rateLimited)).toEqual([true, true]);
    // The skips are attempt events, so /metrics counts them per provider.
    const metrics = await fetch(`${fixture.url}/metrics`, {
      headers: { authorization: `Bearer ${CANARY.gateway}` },
    });
    const samples = parsePrometheus(await metrics.text());
    const skipped = (provider: string) =>
      sampleSum(samples, 'flexiai_attempts_total', {
        provider,
        outcome: 'skipped',
        code: 'rate_limited',
      });
    // a: skipped by requests 3, 4 and 5; b: by request 5.
    expect([skipped('a'), skipped('b')]).toEqual([3, 1]);
    const healthBody = (await (
      await fetch(`${fixture.url}/health`, {
        headers: { authorization: `Bearer ${CANARY.gateway}` },
      })
    ).json()) as { providers: { rateLimited?: boolean }[] };
    expect(healthBody.providers.map((p) => p.rateLimited)).toEqual([true, true]);
  });
});
