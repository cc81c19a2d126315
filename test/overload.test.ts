import { afterEach, describe, expect, it } from 'vitest';
import { OverloadedError } from '../src/errors/overloaded-error.js';
import { TimeoutError } from '../src/errors/timeout-error.js';
import type { CircuitChangeEvent } from '../src/resilience/circuit-breaker.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';
import { CANARY } from './helpers/canary.js';

/**
 * The reproduction: a pool of 2 connections, a 1.5 s first-byte deadline, an upstream that
 * answers every call in 1 s, and 6 requests at once. Before, the first-byte timer ran while a
 * request waited for a connection: 4 requests failed as "provider too slow" (2 never reached the
 * upstream) and the healthy provider's circuit opened.
 */
const saturated =
  (limits: Record<string, unknown> = {}, firstByteTimeoutMs = 1_500) =>
  (config: FlexiAIConfigInput): FlexiAIConfigInput => ({
    ...config,
    providers: config.providers.map((p) => ({
      ...p,
      maxConnections: 2,
      firstByteTimeoutMs,
      limits,
    })),
    circuitBreaker: { failureThreshold: 2 },
  });

const settleAll = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);

describe('a saturated connection pool is our queue, not the provider being slow', () => {
  let fleet: Fleet | undefined;
  let fx: GatewayFixture | undefined;
  afterEach(async () => {
    await fleet?.close();
    await fx?.close();
    fleet = undefined;
    fx = undefined;
  });

  it('6 concurrent requests through 2 connections all succeed; the circuit stays closed', async () => {
    // At half the time scale: 500 ms calls, a 900 ms first-byte deadline. The order is
    // what matters: a call (500 ms) < the deadline < a wait of one round plus a call (1 s), with
    // 400 ms between the deadline and a call for a loaded machine.
    fleet = await createFleet(1, saturated({}, 900));
    const sim = fleet.sims[0]!;
    sim.setDefault({ kind: 'ok', delayMs: 500 });
    const changes: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => changes.push(e));

    const results = await settleAll(
      Array.from({ length: 6 }, (_, i) => fleet!.ai.chatCompletion(userMessage(`r${i}`))),
    );

    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    expect(sim.chatCalls).toBe(6);
    // Only 2 connections were ever open: the others waited their turn (3 rounds of 500 ms each).
    expect(sim.connectionsAccepted).toBeLessThanOrEqual(2);
    expect(changes).toEqual([]);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('the pool-queue deadline sheds as overload, never as a provider timeout', async () => {
    // The provider gate admits all 6 at once, so 4 wait in the connection pool itself; its queue
    // deadline (1.5 s) passes before a second round of connections frees (at 2 s) for the last 2.
    fleet = await createFleet(1, saturated({ maxInFlight: 6, queueTimeoutMs: 1_500 }));
    const sim = fleet.sims[0]!;
    sim.setDefault({ kind: 'ok', delayMs: 1_000 });
    const changes: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => changes.push(e));

    const results = await settleAll(
      Array.from({ length: 6 }, (_, i) => fleet!.ai.chatCompletion(userMessage(`q${i}`))),
    );

    const served = results.filter((r) => r.status === 'fulfilled');
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // The first 2 hold the connections; the last 2 cannot get one before 2 s > 1.5 s.
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const error of errors) {
      expect(OverloadedError.isInstance(error)).toBe(true);
      expect((error as OverloadedError).reason).toBe('queue_timeout');
      expect(TimeoutError.isInstance(error)).toBe(false);
    }
    // Shed requests never reached the upstream; nothing counted against the healthy provider.
    expect(sim.chatCalls).toBe(served.length);
    expect(changes).toEqual([]);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('through the gateway: no 502, sheds answer 503 with Retry-After, the circuit stays closed', async () => {
    fx = await startGatewayFixture((c) => ({
      ...saturated({ maxInFlight: 6, queueTimeoutMs: 1_500 })(c),
      providers: saturated({ maxInFlight: 6, queueTimeoutMs: 1_500 })(c).providers.slice(0, 1),
    }));
    fx.sims[0]!.setDefault({ kind: 'ok', delayMs: 1_000 });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        fetch(`${fx!.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${CANARY.gateway}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    for (const response of responses.filter((r) => r.status === 503)) {
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      const body = (await response.json()) as { error: { code: string; type: string } };
      expect(body.error).toMatchObject({ code: 'overloaded', type: 'server_error' });
    }
    expect(fx.sims[0]!.chatCalls).toBe(statuses.filter((s) => s === 200).length);
    expect(fx.client.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe('admission control: load beyond the bounds is shed at once', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  it('a hanging upstream holds maxInFlight calls; maxQueued wait their deadline; the rest are refused at once', async () => {
    fleet = await createFleet(1, (c) => ({
      ...c,
      providers: c.providers.map((p) => ({
        ...p,
        timeoutMs: 60_000,
        limits: { maxInFlight: 4, maxQueued: 4, queueTimeoutMs: 300 },
      })),
    }));
    const sim = fleet.sims[0]!;
    sim.setDefault({ kind: 'hang' });
    const controller = new AbortController();
    const results = fleet.ai.chatCompletion.bind(fleet.ai);
    const pending = Array.from({ length: 500 }, (_, i) =>
      results({ ...userMessage(`h${i}`), signal: controller.signal }).catch((e: unknown) => e),
    );
    // Everything beyond 4 in flight + 4 queued is refused without waiting.
    const refused = await Promise.all(pending.slice(8));
    for (const error of refused) expect(error).toMatchObject({ reason: 'queue_full' });
    // The queued 4 are shed at their queue deadline; the 4 in flight still hang.
    const queued = await Promise.all(pending.slice(4, 8));
    for (const error of queued) expect(error).toMatchObject({ reason: 'queue_timeout' });
    await expect.poll(() => sim.chatCalls, { timeout: 10_000 }).toBe(4);
    controller.abort();
    for (const error of await Promise.all(pending.slice(0, 4))) {
      expect(error).toMatchObject({ code: 'aborted' });
    }
    expect(sim.chatCalls).toBe(4);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('the client-wide bound refuses before any upstream call, streams included', async () => {
    fleet = await createFleet(2, (c) => ({ ...c, limits: { maxInFlight: 3 } }));
    for (const sim of fleet.sims) sim.setDefault({ kind: 'ok', delayMs: 500 });
    const held = [
      fleet.ai.chatCompletion(userMessage('1')),
      fleet.ai.chatCompletion(userMessage('2')),
      fleet.ai.chatCompletionStream(userMessage('3')).finalResponse(),
    ];
    // Let the stream start (it holds its place until it ends).
    await expect.poll(() => fleet!.sims[0]!.chatCalls, { timeout: 10_000 }).toBe(3);
    const refused = await fleet.ai.chatCompletion(userMessage('4')).catch((e: unknown) => e);
    expect(OverloadedError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ reason: 'in_flight_limit', provider: undefined });
    const refusedStream = await fleet.ai
      .chatCompletionStream(userMessage('5'))
      .finalResponse()
      .catch((e: unknown) => e);
    expect(OverloadedError.isInstance(refusedStream)).toBe(true);
    await Promise.all(held);
    expect(fleet.sims[0]!.chatCalls + fleet.sims[1]!.chatCalls).toBe(3);
    // Places are given back: the next request is served.
    await expect(fleet.ai.chatCompletion(userMessage('6'))).resolves.toMatchObject({
      provider: 'a',
    });
  });
});
