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
  (limits: Record<string, unknown> = {}) =>
  (config: FlexiAIConfigInput): FlexiAIConfigInput => ({
    ...config,
    providers: config.providers.map((p) => ({
      ...p,
      maxConnections: 2,
      firstByteTimeoutMs: 1_500,
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
    fleet = await createFleet(1, saturated());
    const sim = fleet.sims[0]!;
    sim.setDefault({ kind: 'ok', delayMs: 1_000 });
    const changes: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => changes.push(e));

    const results = await settleAll(
      Array.from({ length: 6 }, (_, i) => fleet!.ai.chatCompletion(userMessage(`r${i}`))),
    );

    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    expect(sim.chatCalls).toBe(6);
    // Only 2 connections were ever open: the others waited their turn (3 rounds of 1 s each).
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
