import { afterEach, describe, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import { AbortedError } from '../src/errors/aborted-error.js';
import { ClientClosedError } from '../src/errors/client-closed-error.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { silentLogger } from '../src/internal/logger.js';
import type { Provider } from '../src/providers/provider.js';
import { fault } from '../src/testing/faults.js';
import { createSimulatedProvider } from '../src/testing/simulated-provider.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

describe('client API', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('getProviderStatus reports every provider', async () => {
    fleet = await createFleet(2);
    expect(fleet.ai.getProviderStatus()).toEqual([
      expect.objectContaining({
        name: 'a',
        type: 'openai-compatible',
        model: 'model-a',
        priority: 1,
        state: 'closed',
        healthy: true,
      }),
      expect.objectContaining({ name: 'b', priority: 2, state: 'closed', healthy: true }),
    ]);
    expect(fleet.ai.getSyncStatus()).toEqual({ backend: 'memory', health: 'memory' });
  });

  it('setPrimaryProvider changes the default order', async () => {
    fleet = await createFleet(2);
    fleet.ai.setPrimaryProvider('b');
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('b');
    expect(fleet.ai.getLastUsedProvider()).toBe('b');
    expect(() => fleet.ai.setPrimaryProvider('zzz')).toThrow(ConfigurationError);
  });

  it('resetCircuitBreakers closes an open circuit', async () => {
    fleet = await createFleet(2, (c) => ({ ...c, circuitBreaker: { failureThreshold: 1 } }));
    fleet.sims[0]?.enqueue(fault.status(500));
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');
    fleet.ai.resetCircuitBreakers('a');
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('closed');
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('a');
  });

  it('routes by route name, provider name and provider/model', async () => {
    fleet = await createFleet(3, (c) => ({ ...c, routes: { reverse: ['c', 'b'] } }));
    expect((await fleet.ai.chatCompletion({ ...userMessage(), model: 'reverse' })).provider).toBe(
      'c',
    );
    expect((await fleet.ai.chatCompletion({ ...userMessage(), model: 'b' })).provider).toBe('b');
    const res = await fleet.ai.chatCompletion({ ...userMessage(), model: 'a/other-model' });
    expect(fleet.sims[0]?.requests.at(-1)?.body).toMatchObject({ model: 'other-model' });
    expect(res.model).toBe('other-model');
  });

  it('registerProvider adds a provider from config or a Provider instance', async () => {
    fleet = await createFleet(1);
    const extra = await createSimulatedProvider({ name: 'late' });
    fleet.ai.registerProvider({
      name: 'late',
      type: 'openai-compatible',
      baseURL: extra.baseURL,
      model: 'late-model',
      priority: 0,
    });
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('late');
    const custom: Provider = {
      name: 'custom',
      type: 'custom',
      model: 'echo',
      chat: async (request) => ({
        id: 'c1',
        created: 0,
        model: request.model,
        content: 'custom answer',
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      }),
      healthCheck: async () => ({ ok: true, checkedAt: 0, latencyMs: 0 }),
      close: async () => undefined,
    };
    fleet.ai.registerProvider(custom);
    expect((await fleet.ai.chatCompletion({ ...userMessage(), model: 'custom' })).content).toBe(
      'custom answer',
    );
    expect(() => fleet.ai.registerProvider(custom)).toThrow(ConfigurationError);
    expect(() => fleet.ai.registerProvider({ name: 'bad', type: 'openai' } as never)).toThrow(
      /providers?|apiKey|model/,
    );
    await extra.close();
  });

  it('a caller abort ends the call at once, aborts the upstream request, and counts nothing', async () => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.slow(5_000, fault.ok()));
    const controller = new AbortController();
    const started = Date.now();
    const pending = fleet.ai.chatCompletion({ ...userMessage(), signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    // At once, not at the upstream's 5 s (a generous bound, whatever the load).
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(fleet.sims[1]?.chatCalls).toBe(0);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ failures: 0, state: 'closed' });
  });

  it('an already-aborted signal makes no call', async () => {
    fleet = await createFleet(1);
    const controller = new AbortController();
    controller.abort();
    await expect(
      fleet.ai.chatCompletion({ ...userMessage(), signal: controller.signal }),
    ).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });

  it('is correct under 1,000 concurrent calls with mixed failures', async () => {
    fleet = await createFleet(2, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1_000_000 },
    }));
    let n = 0;
    fleet.sims[0]?.setDefault(() => (n++ % 3 === 0 ? fault.status(500) : fault.ok()));
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => fleet.ai.chatCompletion(userMessage(`c${i}`))),
    );
    const stats = fleet.ai.getRequestStats();
    expect(results).toHaveLength(1_000);
    expect(stats).toMatchObject({
      totalRequests: 1_000,
      successfulRequests: 1_000,
      failedRequests: 0,
    });
    const failedOnA = results.filter((r) => r.provider === 'b').length;
    expect(stats.failovers).toBe(failedOnA);
    expect(stats.providers.a?.failures).toBe(failedOnA);
    expect(fleet.sims[0]?.chatCalls).toBe(1_000);
    expect(fleet.sims[1]?.chatCalls).toBe(failedOnA);
    // Each request's content came from the provider that served it, for its own prompt.
    results.forEach((r, i) => expect(r.content).toBe(`(${r.provider}) You said: c${i}`));
  });

  it('close() refuses further calls; await using disposes', async () => {
    fleet = await createFleet(1);
    await fleet.ai.close();
    await expect(fleet.ai.chatCompletion(userMessage())).rejects.toSatisfy((e) =>
      ClientClosedError.isInstance(e),
    );
    const sim = await createSimulatedProvider();
    {
      await using ai = new FlexiAI(
        { providers: [{ name: 's', type: 'openai-compatible', baseURL: sim.baseURL, model: 'm' }] },
        { logger: silentLogger, env: false },
      );
      await ai.chatCompletion(userMessage());
    }
    await sim.close();
  });

  it('fromFile loads a YAML configuration', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const sim = await createSimulatedProvider();
    const dir = await mkdtemp(join(tmpdir(), 'flexiai-'));
    const path = join(dir, 'flexiai.config.yaml');
    await writeFile(
      path,
      `providers:\n  - name: s\n    type: openai-compatible\n    baseURL: \${SIM_URL}\n    model: m\n`,
    );
    const ai = await FlexiAI.fromFile(path, {
      logger: silentLogger,
      env: { SIM_URL: sim.baseURL },
    });
    expect((await ai.chatCompletion(userMessage())).provider).toBe('s');
    await ai.close();
    await sim.close();
    fleet = await createFleet(1);
  });
});
