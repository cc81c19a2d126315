import { afterEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { ConnectionError } from '../src/errors/connection-error.js';
import { InvalidRequestError } from '../src/errors/invalid-request-error.js';
import { MalformedResponseError } from '../src/errors/malformed-response-error.js';
import { ProviderError } from '../src/errors/provider-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import type { CircuitChangeEvent } from '../src/resilience/circuit-breaker.js';
import { fault } from '../src/testing/faults.js';
import { getClosedPort } from '../src/testing/free-port.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

describe('failover over real HTTP', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('serves from the first provider when it is healthy', async () => {
    fleet = await createFleet(2);
    const res = await fleet.ai.chatCompletion(userMessage('hi'));
    expect(res).toMatchObject({ provider: 'a', content: '(a) You said: hi', finishReason: 'stop' });
    expect(res.attempts).toEqual([
      {
        provider: 'a',
        model: 'model-a',
        ok: true,
        latencyMs: expect.any(Number),
        usage: res.usage,
      },
    ]);
    expect(res.correlationId).toMatch(/^req_[0-9a-f]{32}$/);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 0]);
    expect(fleet.ai.getLastUsedProvider()).toBe('a');
  });

  it.each([
    ['HTTP 500', () => fault.status(500), ProviderError],
    ['HTTP 503', () => fault.status(503), ProviderError],
    ['a reset before headers (U11)', () => fault.reset(), ConnectionError],
    ['malformed JSON (U16)', () => fault.malformed(), MalformedResponseError],
    ['an error inside a 200 (U6)', () => fault.errorIn200(), ProviderError],
    ['a first-byte timeout', () => fault.hang(), TimeoutError],
  ])('fails over on %s and records the cause', async (_name, makeFault, errorClass) => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, firstByteTimeoutMs: 300 })),
    }));
    fleet.sims[0]?.enqueue(makeFault());
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('b');
    expect(res.attempts.map((a) => [a.provider, a.ok])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(errorClass.isInstance(res.attempts[0]?.error)).toBe(true);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 1]);
    // Each of these counts against a's circuit.
    expect(fleet.ai.getProviderStatus()[0]?.failures).toBe(1);
    expect(fleet.ai.getRequestStats()).toMatchObject({
      totalRequests: 1,
      successfulRequests: 1,
      failovers: 1,
    });
  });

  it('a hanging upstream with no separate first-byte deadline ends at the total timeout', async () => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, timeoutMs: 250 })),
    }));
    fleet.sims[0]?.enqueue(fault.hang());
    const started = performance.now();
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('b');
    expect((res.attempts[0]?.error as TimeoutError).phase).toBe('total');
    // Ended by the 250 ms timeout, not hanging: a generous bound a loaded machine cannot reach.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it.each([true, false])(
    'U20: a 100 MB response is aborted at maxResponseBytes (Content-Length declared: %s); B serves',
    async (declareLength) => {
      fleet = await createFleet(2, (c) => ({
        ...c,
        providers: c.providers.map((p) => ({ ...p, maxResponseBytes: 1024 * 1024 })),
      }));
      fleet.sims[0]?.enqueue(fault.huge(100 * 1024 * 1024, declareLength));
      const rssBefore = process.memoryUsage().rss;
      const res = await fleet.ai.chatCompletion(userMessage());
      expect(res.provider).toBe('b');
      expect(res.attempts[0]?.error?.name).toBe('ResponseTooLargeError');
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    },
  );

  it('U16: a malformed body is kept only as a bounded, redacted excerpt', async () => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.status(200, { body: `{"id": ${'x'.repeat(10_000)}` }));
    const res = await fleet.ai.chatCompletion(userMessage());
    const error = res.attempts[0]?.error as MalformedResponseError;
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect(error.body?.length).toBeLessThan(600);
  });

  it('fails over when the connection is refused', async () => {
    const port = await getClosedPort();
    fleet = await createFleet(2, (c) => ({
      ...c,
      providers: c.providers.map((p, i) =>
        i === 0 ? { ...p, baseURL: `http://127.0.0.1:${port}/v1` } : p,
      ),
    }));
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('b');
    expect(res.attempts[0]?.error?.message).toContain('connection refused');
  });

  it('U1: A always 500, 200 sequential requests: all served by B, A opens once and then gets no calls', async () => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 5, recoveryTimeoutMs: 600_000 },
    }));
    const events: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => events.push(e));
    fleet.sims[0]?.setDefault(fault.status(500));
    for (let i = 0; i < 200; i += 1) {
      const res = await fleet.ai.chatCompletion(userMessage(`n${i}`));
      expect(res.provider).toBe('b');
    }
    expect(fleet.sims[0]?.chatCalls).toBe(5);
    expect(fleet.sims[1]?.chatCalls).toBe(200);
    expect(events.filter((e) => e.to === 'open')).toHaveLength(1);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'open', healthy: false });
    expect(fleet.ai.getRequestStats().providers.a).toMatchObject({
      calls: 5,
      failures: 5,
      skips: 195,
    });
  });

  it('U11: 500 requests with A resetting every connection are all served', async () => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1_000_000 },
    }));
    fleet.sims[0]?.setDefault(fault.reset());
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => fleet.ai.chatCompletion(userMessage(`r${i}`))),
    );
    expect(results.every((r) => r.provider === 'b')).toBe(true);
    expect(fleet.sims[0]?.chatCalls).toBe(500);
    expect(fleet.ai.getProviderStatus()[0]?.failures).toBe(500);
  });

  it('U7: a 400 from A is one call, no retry, no failover, circuit untouched', async () => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.status(400, { message: 'messages too long' }));
    const error = await fleet.ai.chatCompletion(userMessage()).catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, provider: 'a' });
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 0]);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({
      state: 'closed',
      failures: 0,
      version: 0,
    });
    expect(fleet.ai.getRequestStats()).toMatchObject({ failedRequests: 1 });
  });

  it.each([422, 404])('U7: a %i is not failed over either', async (status) => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.status(status));
    await expect(fleet.ai.chatCompletion(userMessage())).rejects.toMatchObject({ status });
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 0]);
  });

  it.each([401, 403])(
    'U8: a %i on A is not retried, fails over, and reports A misconfigured',
    async (status) => {
      fleet = await createFleet(2, (c) => ({ ...c, retry: { ...c.retry, maxAttempts: 3 } }));
      fleet.sims[0]?.setDefault(fault.status(status));
      fleet.sims[1]?.enqueue(fault.status(500), fault.status(500));
      const res = await fleet.ai.chatCompletion(userMessage());
      expect(res.provider).toBe('b');
      // b was retried in later passes; a was never called again.
      expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 3]);
      const status0 = fleet.ai.getProviderStatus()[0];
      expect(status0).toMatchObject({
        misconfigured: true,
        healthy: false,
        state: 'closed',
        failures: 0,
      });
      expect(status0?.misconfiguredReason).toContain(`HTTP ${status}`);
      // The next success clears it.
      fleet.sims[0]?.reset();
      await fleet.ai.chatCompletion(userMessage());
      expect(fleet.ai.getProviderStatus()[0]?.misconfigured).toBe(false);
    },
  );

  it('retries a single provider with backoff up to maxAttempts', async () => {
    fleet = await createFleet(1, (c) => ({ ...c, retry: { ...c.retry, maxAttempts: 3 } }));
    fleet.sims[0]?.enqueue(fault.status(502), fault.status(503));
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('a');
    expect(res.attempts.map((a) => a.status ?? 'ok')).toEqual([502, 503, 'ok']);
    expect(fleet.sims[0]?.chatCalls).toBe(3);
  });

  it('U19: every provider down fails with one aggregated error listing each outcome in order', async () => {
    fleet = await createFleet(3, (c) => ({ ...c, retry: { ...c.retry, maxAttempts: 2 } }));
    fleet.sims[0]?.setDefault(fault.status(500));
    fleet.sims[1]?.setDefault(fault.reset());
    fleet.sims[2]?.setDefault(fault.status(503, { message: 'overloaded' }));
    const error = (await fleet.ai
      .chatCompletion(userMessage())
      .catch((e: unknown) => e)) as AllProvidersFailedError;
    expect(AllProvidersFailedError.isInstance(error)).toBe(true);
    expect(error.attempts.map((a) => `${a.provider}:${a.status ?? a.error?.name}`)).toEqual([
      'a:500',
      'b:ConnectionError',
      'c:503',
      'a:500',
      'b:ConnectionError',
      'c:503',
    ]);
    expect(error.message).toContain('c (model-c): HTTP 503 server_error: overloaded');
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([2, 2, 2]);
  });

  it('U19: with every circuit open it fails fast, without calls, and says when to retry', async () => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 30_000 },
    }));
    for (const sim of fleet.sims) sim.setDefault(fault.status(500));
    await fleet.ai.chatCompletion(userMessage()).catch(() => undefined);
    const calls = fleet.sims.map((s) => s.chatCalls);
    const started = Date.now();
    const error = (await fleet.ai
      .chatCompletion(userMessage())
      .catch((e: unknown) => e)) as AllProvidersFailedError;
    // Fast: no wait for the 30 s recovery (a generous bound, far below it, whatever the load).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual(calls);
    expect(error.attempts.map((a) => a.skipped)).toEqual(['circuit_open', 'circuit_open']);
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });
});
