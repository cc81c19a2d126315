import { afterEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { parsePrometheus, sampleSum, type Sample } from './helpers/prometheus.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

const auth = { authorization: `Bearer ${CANARY.gateway}` };

describe('GET /metrics during a scripted outage', () => {
  let fx: GatewayFixture;
  afterEach(() => fx.close());

  const chat = (model = 'default') =>
    fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${fx.url}/metrics`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expectNoCanary(text, '/metrics');
    return parsePrometheus(text);
  };

  it('counters, histograms and gauges move as the events say', async () => {
    fx = await startGatewayFixture((c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 60_000 },
      retry: { ...c.retry, maxAttempts: 1 },
    }));
    const [a, b] = fx.sims;
    for (let i = 0; i < 2; i += 1) expect((await chat()).status).toBe(200);
    let m = await scrape();
    expect(
      sampleSum(m, 'flexiai_requests_total', { route: 'default', provider: 'a', outcome: 'ok' }),
    ).toBe(2);
    expect(sampleSum(m, 'flexiai_circuit_state', { provider: 'a', state: 'closed' })).toBe(1);
    expect(sampleSum(m, 'flexiai_failovers_total')).toBe(0);

    // The outage: a answers 503. Two failures open its circuit; b serves every request.
    a!.setDefault(fault.status(503));
    for (let i = 0; i < 2; i += 1) {
      const res = await chat();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-flexiai-provider')).toBe('b');
    }
    m = await scrape();
    expect(a!.chatCalls).toBe(4);
    expect(sampleSum(m, 'flexiai_attempts_total', { provider: 'a', outcome: 'error' })).toBe(2);
    expect(
      sampleSum(m, 'flexiai_attempts_total', {
        provider: 'a',
        outcome: 'error',
        code: 'provider_error',
      }),
    ).toBe(2);
    expect(sampleSum(m, 'flexiai_failovers_total', { provider: 'a' })).toBe(2);
    expect(sampleSum(m, 'flexiai_failed_over_requests_total', { route: 'default' })).toBe(2);
    expect(sampleSum(m, 'flexiai_circuit_state', { provider: 'a', state: 'open' })).toBe(1);
    expect(sampleSum(m, 'flexiai_circuit_state', { provider: 'a', state: 'closed' })).toBe(0);
    expect(sampleSum(m, 'flexiai_provider_healthy', { provider: 'a' })).toBe(0);
    expect(
      sampleSum(m, 'flexiai_circuit_transitions_total', {
        provider: 'a',
        from: 'closed',
        to: 'open',
        reason: 'failure_threshold',
      }),
    ).toBe(1);

    // Open: a is passed over without a call; that is a skip, not another failover.
    expect((await chat()).status).toBe(200);
    m = await scrape();
    expect(a!.chatCalls).toBe(4);
    expect(
      sampleSum(m, 'flexiai_attempts_total', {
        provider: 'a',
        outcome: 'skipped',
        code: 'circuit_open',
      }),
    ).toBe(1);
    expect(sampleSum(m, 'flexiai_failovers_total', { provider: 'a' })).toBe(2);
    expect(sampleSum(m, 'flexiai_requests_total', { provider: 'b', outcome: 'ok' })).toBe(3);
    expect(b!.chatCalls).toBe(3);

    // Histograms: one observation per request and per upstream call, cumulative buckets.
    expect(
      sampleSum(m, 'flexiai_request_duration_seconds_count', { route: 'default', outcome: 'ok' }),
    ).toBe(5);
    expect(
      sampleSum(m, 'flexiai_attempt_duration_seconds_count', { provider: 'a', outcome: 'error' }),
    ).toBe(2);
    const buckets = m.filter(
      (s) => s.name === 'flexiai_request_duration_seconds_bucket' && s.labels.outcome === 'ok',
    );
    expect(buckets.at(-1)).toMatchObject({ labels: { le: '+Inf' }, value: 5 });
    const values = buckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((x, y) => x - y));
    // Tokens reported by the simulators are counted per provider and direction.
    expect(
      sampleSum(m, 'flexiai_tokens_total', { provider: 'b', direction: 'input' }),
    ).toBeGreaterThan(0);
  });

  it('labels come from configuration: an unknown model is counted as route "other"', async () => {
    fx = await startGatewayFixture();
    const res = await chat('no-such-model-from-a-user');
    expect(res.status).toBe(404);
    const text = await (await fetch(`${fx.url}/metrics`, { headers: auth })).text();
    expect(text).not.toContain('no-such-model-from-a-user');
    const m = parsePrometheus(text);
    expect(sampleSum(m, 'flexiai_requests_total', { route: 'other', outcome: 'error' })).toBe(1);
  });

  it('needs the gateway key unless server.metrics.public; probes need none; /health does', async () => {
    fx = await startGatewayFixture();
    expect((await fetch(`${fx.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${fx.url}/health`)).status).toBe(401);
    expect((await fetch(`${fx.url}/health`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${fx.url}/dashboard/data`)).status).toBe(401);
    const live = await fetch(`${fx.url}/livez`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${fx.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = await ready.text();
    expect(JSON.parse(body)).toEqual({ status: 'ready', sync: 'memory' });
    // Minimal: no provider names or models for an unauthenticated caller.
    expect(body).not.toMatch(/model-a|"a"/);
    await fx.close();

    fx = await startGatewayFixture((c) => ({
      ...c,
      server: { ...c.server, metrics: { public: true } },
    }));
    expect((await fetch(`${fx.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${fx.url}/health`)).status).toBe(401);
  });

  it('/readyz answers 503 when no provider can serve', async () => {
    fx = await startGatewayFixture((c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      retry: { ...c.retry, maxAttempts: 1 },
    }));
    for (const sim of fx.sims) sim.setDefault(fault.status(503));
    expect((await chat()).status).toBe(502);
    const ready = await fetch(`${fx.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', sync: 'memory' });
  });
});

describe('ai.getMetrics()', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  const family = (name: string) =>
    fleet.ai.getMetrics().families.find((f) => f.name === name) as
      { series: { labels: readonly string[]; value: number }[] } | undefined;

  it('counts a failover once per provider tried, however many passes retried it', async () => {
    fleet = await createFleet(3, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 10 },
      retry: { ...c.retry, maxAttempts: 2 },
    }));
    const [a, b, c] = fleet.sims;
    a!.setDefault(fault.status(503));
    b!.setDefault(fault.status(503));
    c!.enqueue(fault.status(503));
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('c');
    // Two passes: a, b, c failed, then a, b failed again and c answered.
    expect([a!.chatCalls, b!.chatCalls, c!.chatCalls]).toEqual([2, 2, 2]);
    expect(family('flexiai_failovers_total')?.series).toEqual([
      { labels: ['a'], value: 1 },
      { labels: ['b'], value: 1 },
      { labels: ['c'], value: 1 },
    ]);
    expect(family('flexiai_failed_over_requests_total')?.series).toEqual([
      { labels: ['default'], value: 1 },
    ]);
  });

  it('observes stream TTFT and counts cache events from middleware', async () => {
    fleet = await createFleet(1);
    fleet.ai.use({
      name: 'fake-cache',
      wrapChat: async ({ next, request, ctx }) => {
        ctx.emit('cache', {
          requestId: ctx.requestId,
          operation: ctx.operation,
          outcome: 'miss',
          route: ctx.route,
          at: Date.now(),
        });
        return next(request);
      },
    });
    await fleet.ai.chatCompletion(userMessage());
    const stream = fleet.ai.chatCompletionStream(userMessage());
    for await (const _ of stream) void _;
    const snapshot = fleet.ai.getMetrics();
    const ttft = snapshot.families.find((f) => f.name === 'flexiai_request_ttft_seconds');
    expect(ttft?.type === 'histogram' && ttft.series[0]?.count).toBe(1);
    const attemptTtft = snapshot.families.find((f) => f.name === 'flexiai_attempt_ttft_seconds');
    expect(attemptTtft?.type === 'histogram' && attemptTtft.series[0]?.labels).toEqual([
      'a',
      'model-a',
    ]);
    expect(family('flexiai_cache_events_total')?.series).toEqual([
      { labels: ['default', 'miss'], value: 1 },
    ]);
    expect(fleet.ai.getDashboardFigures().window.cacheHitRate).toBe(0);
  });

  it('counts cost from costUsd on events, and budget events by budget name', async () => {
    fleet = await createFleet(1);
    fleet.ai.use({
      name: 'fake-cost',
      wrapChat: async ({ next, request, ctx }) => {
        const response = await next(request);
        ctx.emit('budget', {
          budget: 'team-a',
          kind: 'warning',
          spentUsd: 8,
          limitUsd: 10,
          requestId: ctx.requestId,
          at: Date.now(),
        });
        return { ...response, costUsd: 0.25 };
      },
    });
    await fleet.ai.chatCompletion(userMessage());
    await fleet.ai.chatCompletion(userMessage());
    expect(family('flexiai_cost_usd_total')?.series).toEqual([
      { labels: ['a', 'model-a'], value: 0.5 },
    ]);
    expect(family('flexiai_budget_events_total')?.series).toEqual([
      { labels: ['team-a', 'warning'], value: 2 },
    ]);
    expect(fleet.ai.getDashboardFigures().totals.costUsd).toBe(0.5);
  });

  it('is empty but well-formed with observability.metrics: false', async () => {
    fleet = await createFleet(1, (c) => ({ ...c, observability: { metrics: false } }));
    await fleet.ai.chatCompletion(userMessage());
    expect(fleet.ai.getMetrics().families).toEqual([]);
  });
});
