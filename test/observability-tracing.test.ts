import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const tracing = { observability: { tracing: { enabled: true } } };
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => parentOf(s) === parent.spanContext().spanId);

async function spansWhen(done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 200; i += 1) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return exporter.getFinishedSpans();
}

describe('OpenTelemetry spans through the gateway', () => {
  let fx: GatewayFixture;
  afterEach(() => fx.close());

  it('a failover: server span > request span > one client span per attempt, gen_ai.* attributes', async () => {
    fx = await startGatewayFixture((c) => ({ ...c, ...tracing }));
    await fx.client.ready();
    fx.sims[0]?.enqueue(fault.status(503));
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CANARY.gateway}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'secret prompt text' }] }),
    });
    expect(res.status).toBe(200);
    const spans = await spansWhen((s) => s.some((x) => x.kind === SpanKind.SERVER));
    expect(spans).toHaveLength(4);
    const server = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(server.name).toBe('POST /v1/chat/completions');
    expect(server.spanContext().traceId).toBe(traceId);
    expect(parentOf(server)).toBe('00f067aa0ba902b7');
    expect(server.attributes['http.response.status_code']).toBe(200);

    const [request] = childrenOf(spans, server);
    expect(request?.name).toBe('chat default');
    expect(request?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'model-b',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'flexiai.provider': 'b',
      'flexiai.failed_over': true,
      'flexiai.stream': false,
    });
    const attempts = childrenOf(spans, request!).sort(
      (x, y) => x.startTime[0] - y.startTime[0] || x.startTime[1] - y.startTime[1],
    );
    expect(attempts.map((s) => [s.name, s.kind, s.status.code])).toEqual([
      ['chat model-a', SpanKind.CLIENT, SpanStatusCode.ERROR],
      ['chat model-b', SpanKind.CLIENT, SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]?.attributes).toMatchObject({
      'gen_ai.request.model': 'model-a',
      'flexiai.provider': 'a',
      'http.response.status_code': 503,
      'error.type': 'provider_error',
    });
    expect(attempts[1]?.attributes).toMatchObject({
      'gen_ai.request.model': 'model-b',
      'gen_ai.system': 'openai',
      'gen_ai.usage.input_tokens': expect.any(Number),
    });
    // Children sit inside their parent's time.
    const ns = (t: [number, number]) => t[0] * 1e9 + t[1];
    for (const a of attempts) {
      expect(ns(a.startTime)).toBeGreaterThanOrEqual(ns(request!.startTime) - 2e6);
      expect(ns(a.endTime)).toBeLessThanOrEqual(ns(request!.endTime) + 2e6);
    }
    // No prompt or completion content unless opted in, and never a key.
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    expect(everything).not.toContain('secret prompt text');
    expect(everything).not.toContain('You said');
    expect(everything).not.toContain(CANARY.compatible.slice(0, 16));
    expect(everything).not.toContain(CANARY.gateway.slice(0, 16));
  });

  it('makes no spans when tracing is not configured', async () => {
    fx = await startGatewayFixture();
    const res = await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('OpenTelemetry spans in the library', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('a stream that fails over: the request span under the caller active span, TTFT, skipped providers as events', async () => {
    fleet = await createFleet(3, (c) => ({
      ...c,
      ...tracing,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      retry: { ...c.retry, maxAttempts: 1 },
    }));
    await fleet.ai.ready();
    // Open a's circuit first, so the stream passes it over.
    fleet.sims[0]?.enqueue(fault.status(503));
    await fleet.ai.chatCompletion(userMessage());
    fleet.sims[1]?.enqueue(fault.status(500));
    exporter.reset();
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('caller', async (caller) => {
      const stream = fleet.ai.chatCompletionStream(userMessage('stream it'));
      let text = '';
      for await (const chunk of stream) if (chunk.type === 'text-delta') text += chunk.delta;
      expect(text).toContain('stream it');
      caller.end();
    });
    const spans = await spansWhen((s) => s.some((x) => x.name === 'caller'));
    const caller = spans.find((s) => s.name === 'caller')!;
    const [request] = childrenOf(spans, caller);
    expect(request?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'flexiai.stream': true,
      'flexiai.provider': 'c',
      'flexiai.failed_over': true,
      'flexiai.ttft_ms': expect.any(Number),
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(request?.events.map((e) => [e.name, e.attributes?.['flexiai.provider']])).toEqual([
      ['flexiai.provider_skipped', 'a'],
    ]);
    const attempts = childrenOf(spans, request!);
    expect(attempts.map((s) => [s.attributes['flexiai.provider'], s.status.code])).toEqual([
      ['b', SpanStatusCode.ERROR],
      ['c', SpanStatusCode.UNSET],
    ]);
    expect(attempts[1]?.attributes['flexiai.ttft_ms']).toEqual(expect.any(Number));
    // b also served the request that opened a's circuit.
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 2, 1]);
  });

  it('puts prompts and completions on the span only with captureContent', async () => {
    fleet = await createFleet(1, (c) => ({
      ...c,
      observability: { tracing: { enabled: true, captureContent: true } },
    }));
    await fleet.ai.ready();
    await fleet.ai.chatCompletion(userMessage('capture me'));
    const spans = await spansWhen((s) => s.some((x) => x.name === 'chat default'));
    const span = spans.find((x) => x.name === 'chat default');
    expect(JSON.parse(String(span?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', content: 'capture me' },
    ]);
    expect(String(span?.attributes['gen_ai.output.messages'])).toContain('capture me');
  });
});
