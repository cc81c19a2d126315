import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatStream } from '../src/client/chat-stream.js';
import type { AttemptEvent, RequestEvent } from '../src/client/event-types.js';
import type { ChatMiddleware } from '../src/client/middleware/chat-middleware.js';
import { MiddlewareError } from '../src/errors/middleware-error.js';
import { fault } from '../src/testing/faults.js';
import type { ChatResponse } from '../src/types/response.js';
import type { StreamChunk } from '../src/types/stream-chunk.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

/** A cache in its simplest form: answers a prompt it has seen without calling `next`. */
function memoMiddleware(): ChatMiddleware & { hits: number } {
  const seen = new Map<string, ChatResponse>();
  const key = (request: { messages: unknown }) => JSON.stringify(request.messages);
  const self = {
    name: 'memo',
    hits: 0,
    async wrapChat({ next, request }) {
      const stored = seen.get(key(request));
      if (stored) {
        self.hits += 1;
        return { ...stored, cached: true, attempts: [] };
      }
      const response = await next(request);
      seen.set(key(request), response);
      return response;
    },
    wrapStream({ next, request }) {
      const stored = seen.get(key(request));
      if (stored) {
        self.hits += 1;
        return ChatStream.fromResponse({ ...stored, cached: true, attempts: [] });
      }
      return next(request).observe({ onEnd: (response) => seen.set(key(request), response) });
    },
  } satisfies ChatMiddleware & { hits: number };
  return self;
}

async function collect(stream: ChatStream): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: StreamChunk[]) =>
  chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('');

describe('middleware (ai.use)', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  it('a cache-like middleware answers a plain call without next: no upstream call, one request event', async () => {
    fleet = await createFleet(1);
    const memo = memoMiddleware();
    fleet.ai.use(memo);
    const requests: RequestEvent[] = [];
    fleet.ai.on('request', (e) => requests.push(e));

    const first = await fleet.ai.chatCompletion(userMessage('same'));
    const second = await fleet.ai.chatCompletion(userMessage('same'));

    expect(fleet.sims[0]?.chatCalls).toBe(1);
    expect(memo.hits).toBe(1);
    expect(second).toMatchObject({ content: first.content, cached: true, attempts: [] });
    expect(requests.map((r) => [r.ok, r.cached ?? false, r.attempts.length])).toEqual([
      [true, false, 1],
      [true, true, 0],
    ]);
  });

  it('a stream answered from a stored response behaves like a live one (chunks, commit, final)', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(
      fault.ok({ content: 'stored answer', usage: { promptTokens: 4, completionTokens: 2 } }),
    );
    fleet.ai.use(memoMiddleware());

    const live = fleet.ai.chatCompletionStream(userMessage('q'));
    const liveChunks = await collect(live);
    const replay = fleet.ai.chatCompletionStream(userMessage('q'));
    const replayChunks = await collect(replay);

    expect(fleet.sims[0]?.chatCalls).toBe(1);
    expect(text(replayChunks)).toBe(text(liveChunks));
    expect(text(replayChunks)).toBe('stored answer');
    const kinds = (chunks: StreamChunk[]) => [...new Set(chunks.map((c) => c.type))].sort();
    expect(kinds(replayChunks)).toEqual(kinds(liveChunks));
    expect(replay.committed).toMatchObject({ provider: 'a', model: 'model-a' });
    const final = await replay.finalResponse();
    expect(final).toMatchObject({
      content: 'stored answer',
      cached: true,
      usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 },
    });
  });

  it('runs in the order given, outermost first; transformRequest runs before the wraps', async () => {
    fleet = await createFleet(1);
    const order: string[] = [];
    const tracer = (name: string): ChatMiddleware => ({
      name,
      transformRequest(request) {
        order.push(`${name}:transform`);
        return request;
      },
      async wrapChat({ next, request }) {
        order.push(`${name}:before`);
        const response = await next(request);
        order.push(`${name}:after`);
        return response;
      },
    });
    fleet.ai.use(tracer('outer'), tracer('middle')).use(tracer('inner'));
    await fleet.ai.chatCompletion(userMessage());
    expect(order).toEqual([
      'outer:transform',
      'middle:transform',
      'inner:transform',
      'outer:before',
      'middle:before',
      'inner:before',
      'inner:after',
      'middle:after',
      'outer:after',
    ]);
  });

  it('transformRequest changes what the provider receives; the result is validated again', async () => {
    fleet = await createFleet(1);
    fleet.ai.use({
      name: 'shout',
      transformRequest: (request) => ({
        ...request,
        messages: [...request.messages, { role: 'user', content: 'LOUDER' }],
        temperature: 0.5,
      }),
    });
    const res = await fleet.ai.chatCompletion(userMessage('hi'));
    expect(res.content).toContain('LOUDER');
    const body = fleet.sims[0]?.requests[0]?.body as { temperature?: number };
    expect(body.temperature).toBe(0.5);

    await fleet?.close();
    fleet = await createFleet(1);
    fleet.ai.use({
      name: 'broken',
      transformRequest: (request) => ({ ...request, temperature: 9 }),
    });
    await expect(fleet.ai.chatCompletion(userMessage())).rejects.toMatchObject({
      code: 'validation_error',
    });
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });

  it('a middleware that throws fails only its request, with an error naming it; circuits untouched', async () => {
    fleet = await createFleet(1);
    let fail = true;
    fleet.ai.use({
      name: 'flaky-hook',
      async wrapChat({ next, request }) {
        if (fail) throw new Error('hook exploded');
        return next(request);
      },
      wrapStream({ next, request }) {
        if (fail) throw new Error('hook exploded in stream');
        return next(request);
      },
    });
    for (let i = 0; i < 10; i += 1) {
      const error = await fleet.ai.chatCompletion(userMessage()).catch((e: unknown) => e);
      expect(MiddlewareError.isInstance(error)).toBe(true);
      expect((error as MiddlewareError).middleware).toBe('flaky-hook');
      expect((error as Error).message).toContain('hook exploded');
    }
    expect(() => fleet?.ai.chatCompletionStream(userMessage())).toThrow(/flaky-hook/);
    expect(fleet.sims[0]?.chatCalls).toBe(0);
    expect(fleet.ai.getProviderStatus()[0]).toMatchObject({ state: 'closed', failures: 0 });
    fail = false;
    await expect(fleet.ai.chatCompletion(userMessage())).resolves.toMatchObject({ provider: 'a' });
  });

  it('errors from below pass through a middleware unchanged (not blamed on it)', async () => {
    fleet = await createFleet(1, (c) => ({ ...c, retry: { maxAttempts: 1 } }));
    fleet.sims[0]?.enqueue(fault.status(400));
    fleet.ai.use({ name: 'passthrough', wrapChat: ({ next, request }) => next(request) });
    const error = await fleet.ai.chatCompletion(userMessage()).catch((e: unknown) => e);
    expect(MiddlewareError.isInstance(error)).toBe(false);
    expect((error as { status?: number }).status).toBe(400);
  });

  it('a middleware may call next more than once (a retry); the request event carries every attempt', async () => {
    fleet = await createFleet(1);
    const requests: RequestEvent[] = [];
    fleet.ai.on('request', (e) => requests.push(e));
    fleet.ai.use({
      name: 'twice',
      async wrapChat({ next, request }) {
        await next(request);
        return next(request);
      },
    });
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(fleet.sims[0]?.chatCalls).toBe(2);
    expect(res.attempts).toHaveLength(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.ok).toBe(true);
  });
});

describe('events', () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
    fleet = undefined;
  });

  it('emits one attempt event per call and per skipped provider of a three-provider failover', async () => {
    fleet = await createFleet(3, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 60_000 },
      retry: { maxAttempts: 1 },
    }));
    // Open a's circuit first: one failing call.
    fleet.sims[0]?.enqueue(fault.status(500));
    await fleet.ai.chatCompletion({ ...userMessage(), model: 'a' }).catch(() => undefined);
    expect(fleet.ai.getProviderStatus()[0]?.state).toBe('open');

    const attempts: AttemptEvent[] = [];
    const requests: RequestEvent[] = [];
    fleet.ai.on('attempt', (e) => attempts.push(e));
    fleet.ai.on('request', (e) => requests.push(e));
    fleet.sims[1]?.enqueue(fault.status(503));
    const res = await fleet.ai.chatCompletion(userMessage());

    expect(res.provider).toBe('c');
    expect(attempts.map((a) => [a.provider, a.outcome, a.skipped ?? a.status ?? null])).toEqual([
      ['a', 'skipped', 'circuit_open'],
      ['b', 'error', 503],
      ['c', 'ok', null],
    ]);
    expect(new Set(attempts.map((a) => a.requestId))).toEqual(new Set([res.correlationId]));
    expect(attempts[1]?.failureClass).toBe('transient');
    expect(attempts[2]?.usage).toEqual(res.usage);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      ok: true,
      provider: 'c',
      failedOver: true,
      route: 'default',
      operation: 'chat',
    });
    expect(requests[0]?.attempts).toHaveLength(3);
    expect(fleet.sims.map((s) => s.chatCalls)).toEqual([1, 1, 1]);
  });

  it('streams emit attempt events with ttft and usage, and a request event at the end', async () => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.status(500));
    fleet.sims[1]?.enqueue(
      fault.ok({ content: 'hey there', usage: { promptTokens: 3, completionTokens: 2 } }),
    );
    const attempts: AttemptEvent[] = [];
    const requests: RequestEvent[] = [];
    fleet.ai.on('attempt', (e) => attempts.push(e));
    fleet.ai.on('request', (e) => requests.push(e));
    const stream = fleet.ai.chatCompletionStream(userMessage());
    expect(text(await collect(stream))).toBe('hey there');
    expect(attempts.map((a) => [a.provider, a.outcome, a.operation])).toEqual([
      ['a', 'error', 'stream'],
      ['b', 'ok', 'stream'],
    ]);
    expect(attempts[1]?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(attempts[1]?.usage).toEqual({ promptTokens: 3, completionTokens: 2, totalTokens: 5 });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      ok: true,
      provider: 'b',
      operation: 'stream',
      failedOver: true,
    });
    expect(requests[0]?.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it('publishes on node:diagnostics_channel (flexiai:attempt, flexiai:request, flexiai:circuit)', async () => {
    fleet = await createFleet(1, (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1 },
      retry: { maxAttempts: 1 },
    }));
    const seen: Record<string, unknown[]> = { attempt: [], request: [], circuit: [] };
    const subscribers = Object.keys(seen).map((type) => {
      const fn = (message: unknown) => seen[type]?.push(message);
      subscribe(`flexiai:${type}`, fn);
      return () => unsubscribe(`flexiai:${type}`, fn);
    });
    try {
      fleet.sims[0]?.enqueue(fault.status(500));
      await fleet.ai.chatCompletion(userMessage()).catch(() => undefined);
      await fleet.ai.chatCompletion(userMessage()).catch(() => undefined);
    } finally {
      subscribers.forEach((off) => off());
    }
    expect(seen.attempt?.map((a) => (a as AttemptEvent).outcome)).toEqual(['error', 'skipped']);
    expect(seen.request?.map((r) => (r as RequestEvent).ok)).toEqual([false, false]);
    expect(seen.circuit?.map((c) => (c as { to: string }).to)).toContain('open');
  });

  it('a listener that throws never breaks a request, and the other listeners still run', async () => {
    fleet = await createFleet(2);
    fleet.sims[0]?.enqueue(fault.status(500));
    let later = 0;
    fleet.ai.on('attempt', () => {
      throw new Error('listener bug');
    });
    fleet.ai.on('request', () => {
      throw new Error('listener bug');
    });
    fleet.ai.on('attempt', () => {
      later += 1;
    });
    const res = await fleet.ai.chatCompletion(userMessage());
    expect(res.provider).toBe('b');
    expect(later).toBe(2);
    const stream = fleet.ai.chatCompletionStream(userMessage());
    expect(text(await collect(stream)).length).toBeGreaterThan(0);
    expect(fleet.ai.getRequestStats()).toMatchObject({ totalRequests: 2, successfulRequests: 2 });
  });

  it('off() unsubscribes; unknown event types are refused', async () => {
    fleet = await createFleet(1);
    let count = 0;
    const off = fleet.ai.on('request', () => {
      count += 1;
    });
    await fleet.ai.chatCompletion(userMessage());
    off();
    await fleet.ai.chatCompletion(userMessage());
    expect(count).toBe(1);
    expect(() => fleet?.ai.on('nope' as 'request', () => undefined)).toThrow(
      /Unknown FlexiAI event/,
    );
  });
});

describe('middleware through the gateway', () => {
  let gw: GatewayFixture | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('serves cached answers, plain and streamed, with no upstream call, to the openai SDK', async () => {
    gw = await startGatewayFixture();
    gw.client.use(memoMiddleware());
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
    const ask = { model: 'default', messages: [{ role: 'user' as const, content: 'cache me' }] };
    const first = await openai.chat.completions.create(ask);
    const second = await openai.chat.completions.create(ask);
    expect(second.choices[0]?.message.content).toBe(first.choices[0]?.message.content);

    const stream = await openai.chat.completions.create({ ...ask, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe(first.choices[0]?.message.content);
    expect(gw.sims[0]?.chatCalls).toBe(1);
    expect(gw.sims[1]?.chatCalls).toBe(0);
  });

  it('passes the gateway key id (a hash, never the key) to the request context', async () => {
    gw = await startGatewayFixture();
    const ids: (string | undefined)[] = [];
    gw.client.use({
      name: 'who',
      wrapChat: ({ next, request, ctx }) => {
        ids.push(ctx.gatewayKeyId);
        return next(request);
      },
    });
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
    await openai.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^key-[0-9a-f]{12}$/);
    expect(ids[0]).not.toContain(CANARY.gateway);
  });
});
