import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReloadEvent } from '../src/client/event-types.js';
import type { ChatMiddleware } from '../src/client/middleware/chat-middleware.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import type { AnyProviderConfigInput } from '../src/config/provider-config-schema.js';
import { BudgetExceededError } from '../src/errors/budget-exceeded-error.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { fault } from '../src/testing/faults.js';
import type { StreamChunk } from '../src/types/stream-chunk.js';
import { captureLogger } from './helpers/capture-logger.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

type ProviderInput = AnyProviderConfigInput;

/** A fleet and the config it was made from (to derive reloads from). */
async function fleetWith(
  members: number,
  configure: (c: FlexiAIConfigInput) => FlexiAIConfigInput = (c) => c,
  options: Parameters<typeof createFleet>[2] = {},
): Promise<{ fleet: Fleet; input: FlexiAIConfigInput & { providers: ProviderInput[] } }> {
  let input!: FlexiAIConfigInput & { providers: ProviderInput[] };
  const fleet = await createFleet(members, (c) => (input = configure(c) as typeof input), options);
  return { fleet, input };
}

const refusal = async (promise: Promise<unknown>): Promise<ConfigurationError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ConfigurationError.isInstance(error)).toBe(true);
  return error as ConfigurationError;
};

describe('hot reload: ai.updateConfig', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('an invalid config is refused with its field path, nothing changes, the old config keeps serving', async () => {
    const log = captureLogger('info');
    let input;
    ({ fleet, input } = await fleetWith(2, (c) => c, { logger: log.logger }));
    const events: ReloadEvent[] = [];
    fleet.ai.on('reload', (e) => events.push(e));
    const before = fleet.ai.config;
    const [a, b] = input.providers as [ProviderInput, ProviderInput];
    const error = await refusal(
      fleet.ai.updateConfig({
        ...input,
        providers: [{ ...a, timeoutMs: -5 }, b],
        routes: { only: ['b'] },
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['providers.0.timeoutMs']);
    expect(fleet.ai.config).toBe(before);
    expect(fleet.ai.knownModels()).not.toContain('only');
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('a');
    expect(fleet.sims[0]?.chatCalls).toBe(1);
    const status = fleet.ai.getConfigStatus();
    expect(status).toMatchObject({ reloads: 0, failedReloads: 1, lastReload: { ok: false } });
    expect(status.lastReload?.issues?.map((i) => i.path)).toEqual(['providers.0.timeoutMs']);
    expect(events).toEqual([expect.objectContaining({ ok: false })]);
    const line = log.lines().find((l) => String(l['msg']).includes('config reload refused'));
    expect(line?.['msg']).toContain('providers.0.timeoutMs');
    expect(line?.['level']).toBe(50);
  });

  it('changing sync is refused, naming sync', async () => {
    let input;
    ({ fleet, input } = await fleetWith(1));
    const error = await refusal(
      fleet.ai.updateConfig({ ...input, sync: { backend: 'redis', url: 'redis://127.0.0.1:1' } }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['sync']);
    expect(fleet.ai.getSyncStatus().backend).toBe('memory');
  });

  it("a kept provider's open circuit stays open: the same breaker when its settings stay, its state carried over when they change", async () => {
    let input;
    ({ fleet, input } = await fleetWith(2, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
    })));
    fleet.sims[0]?.enqueue(fault.status(500));
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('b');
    const open = fleet.ai.getProviderStatus()[0];
    expect(open).toMatchObject({ name: 'a', state: 'open' });
    const [a, b] = input.providers as [ProviderInput, ProviderInput];

    // Breaker settings unchanged (a route added): the same breaker, the same state and version.
    await fleet.ai.updateConfig({ ...input, routes: { ab: ['a', 'b'] } });
    expect(fleet.ai.getProviderStatus()[0]).toEqual(open);
    expect((await fleet.ai.chatCompletion({ ...userMessage(), model: 'ab' })).provider).toBe('b');

    // Breaker settings changed: a new breaker starting from the old one's state.
    await fleet.ai.updateConfig({
      ...input,
      providers: [{ ...a, circuitBreaker: { halfOpenMaxCalls: 2 } }, b],
    });
    expect(fleet.ai.getProviderStatus()[0]).toEqual(open);
    expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('b');
    expect(fleet.sims[0]?.chatCalls).toBe(1); // the open circuit kept a out of every request
    expect(fleet.sims[1]?.chatCalls).toBe(3);
  });

  it("a removed provider's request in flight completes; a new route works at once; the removed adapter closes after", async () => {
    let input;
    ({ fleet, input } = await fleetWith(2));
    const [sa, sb] = fleet.sims as [NonNullable<Fleet['sims'][0]>, NonNullable<Fleet['sims'][0]>];
    sa.enqueue(fault.slow(400, fault.ok({ content: 'from a' })));
    const inFlight = fleet.ai.chatCompletion({ ...userMessage(), model: 'a' });
    await vi.waitFor(() => expect(sa.chatCalls).toBe(1));

    const result = await fleet.ai.updateConfig({
      ...input,
      providers: [input.providers[1] as ProviderInput],
      routes: { fast: ['b'] },
    });
    expect(result.changes).toMatchObject({ providersRemoved: ['a'], routesAdded: ['fast'] });
    const routed = await fleet.ai.chatCompletion({ ...userMessage(), model: 'fast' });
    expect(routed.provider).toBe('b');
    expect(fleet.ai.getProviderStatus().map((p) => p.name)).toEqual(['b']);
    await expect(fleet.ai.chatCompletion({ ...userMessage(), model: 'a' })).rejects.toThrow();

    const answer = await inFlight;
    expect(answer).toMatchObject({ provider: 'a', content: 'from a' });
    expect(sa.chatCalls).toBe(1);
    expect(sb.chatCalls).toBe(1);
    // Its requests over, the removed provider's pool closes its connections.
    await vi.waitFor(() => expect(sa.openConnections).toBe(0));
  });

  it('a provider keeps its adapter (and pool) when only fleet settings change; a changed connection setting gets a new one, the old pool closes', async () => {
    let input;
    // One connection per pool: a second connection can only come from a second pool.
    ({ fleet, input } = await fleetWith(1, (c) => ({
      ...c,
      providers: c.providers.map((p) => ({ ...p, maxConnections: 1 })),
    })));
    const sim = fleet.sims[0]!;
    const [a] = input.providers as [ProviderInput];
    await fleet.ai.chatCompletion(userMessage());
    const connections = sim.connectionsAccepted;

    await fleet.ai.updateConfig({
      ...input,
      providers: [{ ...a, priority: 5, retry: { maxAttempts: 2 } }],
    });
    await fleet.ai.chatCompletion(userMessage());
    expect(sim.connectionsAccepted).toBe(connections); // the same keep-alive connection

    await fleet.ai.updateConfig({
      ...input,
      providers: [{ ...a, headers: { 'x-reload': 'two' } }],
    });
    await fleet.ai.chatCompletion(userMessage());
    expect(sim.requests.at(-1)?.headers['x-reload']).toBe('two');
    expect(sim.connectionsAccepted).toBe(connections + 1);
    await vi.waitFor(() => expect(sim.openConnections).toBe(1));
  });

  it('cache and budget changes apply to the next request; user middleware, listeners and counters stay', async () => {
    let input;
    ({ fleet, input } = await fleetWith(1, (c) => ({
      ...c,
      pricing: { 'model-a': { input: 0, output: 1000 } },
    })));
    let wrapped = 0;
    const counting: ChatMiddleware = {
      name: 'counting',
      wrapChat: ({ next, request }) => {
        wrapped += 1;
        return next(request);
      },
    };
    fleet.ai.use(counting);
    let requests = 0;
    fleet.ai.on('request', () => (requests += 1));
    const sim = fleet.sims[0]!;
    await fleet.ai.chatCompletion(userMessage('same'));
    await fleet.ai.chatCompletion(userMessage('same'));
    expect(sim.chatCalls).toBe(2); // no cache yet

    await fleet.ai.updateConfig({ ...input, cache: { backend: 'memory' } });
    await fleet.ai.chatCompletion(userMessage('same'));
    const hit = await fleet.ai.chatCompletion(userMessage('same'));
    expect(sim.chatCalls).toBe(3);
    expect(hit.cached).toBe(true);
    expect(fleet.ai.getCacheStats()).toMatchObject({ hits: 1 });

    await fleet.ai.updateConfig({
      ...input,
      cache: { backend: 'memory' },
      budgets: [{ name: 'none-left', limitUsd: 0.000001, period: 'day' }],
    });
    // The kept cache still answers; a new prompt meets the new budget before any upstream call.
    expect((await fleet.ai.chatCompletion(userMessage('same'))).cached).toBe(true);
    await expect(
      fleet.ai.chatCompletion({ ...userMessage('new'), maxTokens: 1000 }),
    ).rejects.toSatisfy((e) => BudgetExceededError.isInstance(e));
    expect(sim.chatCalls).toBe(3);

    // User middleware runs inside the built-in cache and budgets: it saw the upstream-bound requests.
    expect(wrapped).toBe(3);
    expect(requests).toBe(6);
    expect(fleet.ai.getRequestStats().totalRequests).toBe(6);
    expect(fleet.ai.getConfigStatus()).toMatchObject({ reloads: 2, failedReloads: 0 });
  });

  it("a reload keeps counting a rate-limited provider's last minute: its limit is not reset by a reload", async () => {
    let input;
    ({ fleet, input } = await fleetWith(2, (c) => ({
      ...c,
      providers: c.providers.map((p, i) =>
        i === 0 ? { ...p, limits: { requestsPerMinute: 2 } } : p,
      ),
    })));
    for (let i = 0; i < 2; i++)
      expect((await fleet.ai.chatCompletion(userMessage())).provider).toBe('a');
    // A reload that changes something else (a provider's timeout) and keeps the limit.
    const [a, b] = input.providers as [ProviderInput, ProviderInput];
    await fleet.ai.updateConfig({ ...input, providers: [{ ...a, timeoutMs: 45_000 }, b] });
    const third = await fleet.ai.chatCompletion(userMessage());
    expect(third.provider).toBe('b');
    expect(third.attempts[0]).toMatchObject({ provider: 'a', skipped: 'rate_limited' });
    expect(fleet.sims[0]?.chatCalls).toBe(2);
  });

  it('concurrent updateConfig calls run one after another, the last one called wins', async () => {
    let input;
    ({ fleet, input } = await fleetWith(2));
    const results = await Promise.all(
      [1, 2, 3].map((n) => fleet.ai.updateConfig({ ...input, routes: { [`r${n}`]: ['b'] } })),
    );
    expect(results.map((r) => r.changes.routesAdded)).toEqual([['r1'], ['r2'], ['r3']]);
    expect(results.map((r) => r.changes.routesRemoved)).toEqual([[], ['r1'], ['r2']]);
    expect(Object.keys(fleet.ai.config.routes)).toEqual(['r3']);
  });
});

describe('hot reload under load (in process, simulated providers over HTTP)', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('1,000 requests and 50 streams in flight across 10 reloads (valid and invalid alternately): none lost or cut, kept circuits unchanged, invalid configs named in the log', async () => {
    const log = captureLogger('info');
    let input;
    ({ fleet, input } = await fleetWith(
      3,
      (c) => ({ ...c, circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600_000 } }),
      { logger: log.logger },
    ));
    const [sa, sb, sc] = fleet.sims as [
      NonNullable<Fleet['sims'][0]>,
      NonNullable<Fleet['sims'][0]>,
      NonNullable<Fleet['sims'][0]>,
    ];
    // c's circuit is open for the whole test: it must stay so across every reload.
    sc.enqueue(fault.status(500));
    await fleet.ai.chatCompletion({ ...userMessage(), model: 'c' }).catch(() => undefined);
    const openC = fleet.ai.getProviderStatus()[2];
    expect(openC).toMatchObject({ name: 'c', state: 'open' });
    const callsBefore = sa.chatCalls + sb.chatCalls;

    // Half the plain requests wait inside the client (started on the configuration of their
    // time) until every reload is done; the rest are answered upstream after a delay.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fleet.ai.use({
      name: 'gate',
      wrapChat: async ({ next, request }) => {
        if (request.metadata?.['gated'] === 'yes') await gate;
        return next(request);
      },
    });
    sa.setDefault(fault.slow(50, fault.ok()));
    sb.setDefault(fault.slow(50, fault.ok()));
    const streamReply = fault.ok({ content: 'x'.repeat(40), chunkChars: 2, chunkDelayMs: 5 });

    let settled = 0;
    const requests = Array.from({ length: 1_000 }, (_, i) =>
      fleet.ai
        .chatCompletion({
          ...userMessage(`req ${i}`),
          model: i % 2 ? 'default' : 'b',
          metadata: { gated: i % 2 ? 'yes' : 'no' },
        })
        .finally(() => (settled += 1)),
    );
    // 50 streams, each read up to its first text (committed to a provider), the rest after.
    sa.setDefault((req) => (req.stream ? streamReply : fault.slow(50, fault.ok())));
    sb.setDefault((req) => (req.stream ? streamReply : fault.slow(50, fault.ok())));
    const streams = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const stream = fleet.ai.chatCompletionStream(userMessage(`stream ${i}`));
        const iterator = stream[Symbol.asyncIterator]();
        const chunks: StreamChunk[] = [];
        for (;;) {
          const { value, done } = await iterator.next();
          if (done) throw new Error('stream ended before its first text');
          chunks.push(value);
          if (value.type === 'text-delta') break;
        }
        return { stream, iterator, chunks };
      }),
    );

    const [a, b, c] = input.providers as [ProviderInput, ProviderInput, ProviderInput];
    const invalidPaths: string[] = [];
    const inFlightAtReload: number[] = [];
    for (let k = 0; k < 10; k += 1) {
      inFlightAtReload.push(1_000 - settled);
      if (k % 2 === 0) {
        // Valid: a new route, a new adapter for a, new breaker settings for c.
        await fleet.ai.updateConfig({
          ...input,
          providers: [
            { ...a, timeoutMs: 60_000 + k },
            b,
            { ...c, circuitBreaker: { recoveryTimeoutMs: 600_000 + k } },
          ],
          routes: { [`r${k}`]: ['b', 'a'] },
        });
        expect((await fleet.ai.chatCompletion({ ...userMessage(), model: `r${k}` })).provider).toBe(
          'b',
        );
      } else {
        const path = `providers.1.timeoutMs`;
        invalidPaths.push(path);
        await expect(
          fleet.ai.updateConfig({ ...input, providers: [a, { ...b, timeoutMs: -k }, c] }),
        ).rejects.toSatisfy((e) => ConfigurationError.isInstance(e));
      }
      expect(fleet.ai.getProviderStatus()[2]).toEqual(openC);
    }
    // Every reload happened with requests (the gated half at least) and all streams under way.
    expect(inFlightAtReload.every((n) => n >= 500)).toBe(true);
    release();

    const results = await Promise.allSettled(requests);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    for (const { stream, iterator, chunks } of streams) {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) break;
        chunks.push(value);
      }
      const text = chunks.map((ch) => (ch.type === 'text-delta' ? ch.delta : '')).join('');
      expect(text).toBe('x'.repeat(40));
      expect(chunks.some((ch) => ch.type === 'finish')).toBe(true);
      const final = await stream.finalResponse();
      expect(final).toMatchObject({ content: 'x'.repeat(40), finishReason: 'stop' });
    }
    // Every request and stream reached exactly one upstream call; c none (its circuit is open).
    // (plus the 5 requests to the routes the valid reloads added)
    expect(sa.chatCalls + sb.chatCalls - callsBefore).toBe(1_000 + 50 + 5);
    expect(sc.chatCalls).toBe(1);
    expect(fleet.ai.getProviderStatus()[2]).toEqual(openC);
    expect(
      fleet.ai
        .getProviderStatus()
        .slice(0, 2)
        .map((p) => p.state),
    ).toEqual(['closed', 'closed']);
    const refused = log
      .lines()
      .filter((l) => String(l['msg']).includes('config reload refused'))
      .map((l) => String(l['msg']));
    expect(refused).toHaveLength(5);
    refused.forEach((msg, i) => expect(msg).toContain(invalidPaths[i]));
    expect(log.lines().filter((l) => String(l['msg']).startsWith('config reloaded'))).toHaveLength(
      5,
    );
    expect(fleet.ai.getConfigStatus()).toMatchObject({ reloads: 5, failedReloads: 5 });
  }, 30_000);
});
