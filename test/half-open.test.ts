import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { providerFields } from '../src/config/provider-config-schema.js';
import { AbortedError } from '../src/errors/aborted-error.js';
import type { CircuitChangeEvent } from '../src/resilience/circuit-breaker.js';
import type { Provider } from '../src/providers/provider.js';
import { defineProviderModule } from '../src/providers/provider-module.js';
import { createDefaultProviderRegistry } from '../src/providers/registry.js';
import { fault } from '../src/testing/faults.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

const RECOVERY = 10_000;

/** A provider type answering in-process at once (no socket): B of the repeated C1 bursts. */
const instantModule = defineProviderModule({
  type: 'instant',
  configSchema: z.strictObject({ ...providerFields, type: z.literal('instant') }),
  create: (config): Provider => ({
    name: config.name,
    type: 'instant',
    model: config.model,
    async chat(request) {
      return {
        id: 'instant-1',
        created: 0,
        model: request.model,
        content: 'from b',
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      };
    },
    async close() {},
  }),
});

describe('half-open probing over real HTTP (fake clock)', () => {
  let fleet: Fleet;
  let clock: FakeClock;
  afterEach(() => fleet.close());

  /**
   * A (a simulator over real HTTP) and B. `inProcessB`: B is an in-process provider answering at
   * once, for the bursts (C1, C3) whose non-probe requests are not what is under test (which
   * decides the probe is A's half-open gate, before any I/O; what reaches A is counted at A's
   * simulator, where each request went by its result); the other tests send them to B's
   * simulator over HTTP.
   */
  // `providerTimeoutMs` is A's only: B must answer however busy the machine is.
  const make = async (halfOpenMaxCalls = 1, providerTimeoutMs?: number, inProcessB = false) => {
    clock = new FakeClock();
    fleet = await createFleet(
      2,
      (c) => ({
        ...c,
        providers: c.providers.map((p, i) =>
          inProcessB && i === 1
            ? { name: 'b', type: 'instant', model: 'model-b' }
            : providerTimeoutMs && i === 0
              ? { ...p, timeoutMs: providerTimeoutMs }
              : p,
        ),
        circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: RECOVERY, halfOpenMaxCalls },
        retry: { ...c.retry, maxAttempts: 1 },
      }),
      { clock, registry: createDefaultProviderRegistry().register(instantModule) },
    );
  };

  /** Opens a's circuit with one failure and lets the recovery time pass. */
  const openThenRecover = async () => {
    fleet.sims[0]?.enqueue(fault.status(500));
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');
    clock.advance(RECOVERY);
  };

  const burst = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) => fleet.ai.chatCompletion(userMessage(`burst ${i}`))),
    );

  // 25 rounds (was 100): the gate is decided before any I/O, in the tick the 1,000 start; what a
  // round could vary is when A's probe answers against the burst, and 25 rounds on a loaded or
  // idle machine cover that as well (each round costs ~100 ms of client work under load).
  it('C1: 1,000 concurrent requests in one tick send exactly one probe to A, 25 times out of 25', async () => {
    await make(1, undefined, true);
    for (let rep = 0; rep < 25; rep += 1) {
      fleet.sims[0]?.reset();
      fleet.sims[1]?.reset();
      await openThenRecover();
      const before = fleet.sims[0]?.chatCalls ?? 0;
      fleet.sims[0]?.enqueue(fault.ok({ content: 'probe ok' }));
      const results = await burst(1_000);
      expect((fleet.sims[0]?.chatCalls ?? 0) - before).toBe(1);
      expect(results.filter((r) => r.provider === 'a')).toHaveLength(1);
      expect(results.filter((r) => r.provider === 'b')).toHaveLength(999);
      expect(fleet.ai.getProviderStatus()[0]?.state).toBe('closed');
    }
  }); // 25 x 1,000 requests; A's probe over real HTTP, B in-process (was 100,000 HTTP calls: 106 s loaded)

  it('C1: with halfOpenMaxCalls 3, exactly three probes reach A', async () => {
    await make(3, undefined, true);
    await openThenRecover();
    fleet.sims[0]?.setDefault(fault.slow(50, fault.ok()));
    const before = fleet.sims[0]?.chatCalls ?? 0;
    const results = await burst(1_000);
    expect((fleet.sims[0]?.chatCalls ?? 0) - before).toBe(3);
    expect(results.filter((r) => r.provider === 'b')).toHaveLength(997);
  });

  it('C3: a failing probe re-opens the circuit and the waiters never reach A', async () => {
    await make(1, undefined, true);
    await openThenRecover();
    const events: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => events.push(e));
    fleet.sims[0]?.enqueue(fault.slow(50, fault.status(503)));
    const before = fleet.sims[0]?.chatCalls ?? 0;
    const results = await burst(500);
    expect((fleet.sims[0]?.chatCalls ?? 0) - before).toBe(1);
    expect(results.every((r) => r.provider === 'b')).toBe(true);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({
      state: 'open',
      openUntil: clock.now() + RECOVERY,
    });
    expect(events.map((e) => `${e.from}>${e.to}`)).toEqual(['open>half_open', 'half_open>open']);
  });

  it('C4: a hanging probe times out, frees the slot and re-opens; never stuck half-open', async () => {
    await make(1, 200);
    await openThenRecover();
    fleet.sims[0]?.enqueue(fault.hang());
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('b');
    expect(res.attempts[0]?.error?.name).toBe('TimeoutError');
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');
    clock.advance(RECOVERY);
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('a');
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('closed');
  });

  it('C5: a probe cancelled by its caller is no failure; a new probe may go at once', async () => {
    await make(1);
    await openThenRecover();
    fleet.sims[0]?.enqueue(fault.slow(5_000, fault.ok()));
    const controller = new AbortController();
    const pending = fleet.ai.chatCompletion({ ...userMessage(), signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const error = await pending.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'half_open' });
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('a');
    expect(fleet.sims[0]?.chatCalls).toBe(3);
  });

  it('C6: 100 concurrent failures with threshold 5 make exactly one open transition, version +1', async () => {
    clock = new FakeClock();
    fleet = await createFleet(
      2,
      (c) => ({
        ...c,
        circuitBreaker: { failureThreshold: 5 },
        retry: { ...c.retry, maxAttempts: 1 },
      }),
      {
        clock,
      },
    );
    const events: CircuitChangeEvent[] = [];
    fleet.ai.onCircuitStateChange((e) => events.push(e));
    fleet.sims[0]?.setDefault(fault.slow(20, fault.status(500)));
    const results = await burst(100);
    expect(results.every((r) => r.provider === 'b')).toBe(true);
    expect(fleet.sims[0]?.chatCalls).toBe(100);
    expect(events.filter((e) => e.to === 'open')).toHaveLength(1);
    expect(fleet.ai.getProviderStatus()[0]?.version).toBe(1);
  });
});
