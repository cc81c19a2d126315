import { afterEach, describe, expect, it } from 'vitest';
import { runBatch, type BatchProgress } from '../src/client/batch.js';
import type { ChatClient } from '../src/client/chat-client.js';
import type { ChatStream } from '../src/client/chat-stream.js';
import { AbortedError } from '../src/errors/aborted-error.js';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { fault } from '../src/testing/faults.js';
import type { ChatRequest } from '../src/types/request.js';
import type { ChatResponse } from '../src/types/response.js';
import { FakeClock } from './helpers/fake-clock.js';
import { createFleet, userMessage, type Fleet } from './helpers/sim-fleet.js';

const answer = (content: string): ChatResponse =>
  ({ content, provider: 'x', model: 'm', attempts: [] }) as unknown as ChatResponse;

/** A ChatClient double whose answers are scripted per call. */
function scripted(fn: (request: ChatRequest, call: number) => Promise<ChatResponse>) {
  const state = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const client: ChatClient = {
    async chatCompletion(request) {
      state.calls += 1;
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        return await fn(request, state.calls);
      } finally {
        state.inFlight -= 1;
      }
    },
    chatCompletionStream(): ChatStream {
      throw new Error('not used');
    },
  };
  return { client, state };
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 2_000 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('ai.batch over real providers', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it('returns one result per request, in input order, failures included', async () => {
    fleet = await createFleet(1);
    // Request 3 is refused by the provider (a caller error: no failover, no retry).
    fleet.sims[0]?.setDefault((record) =>
      JSON.stringify(record.body).includes('bad') ? fault.status(400) : fault.ok(),
    );
    const prompts = Array.from({ length: 20 }, (_, i) => (i === 3 ? 'bad' : `p${i}`));
    const progress: BatchProgress[] = [];
    const results = await fleet.ai.batch(
      prompts.map((p) => userMessage(p)),
      { concurrency: 4, onProgress: (p) => progress.push(p) },
    );
    expect(results).toHaveLength(20);
    results.forEach((result, i) => {
      if (i === 3) expect(result).toMatchObject({ ok: false, error: { status: 400 } });
      else expect(result).toMatchObject({ ok: true, response: { content: `(a) You said: p${i}` } });
    });
    expect(fleet.sims[0]?.chatCalls).toBe(20);
    expect(progress.at(-1)).toMatchObject({ total: 20, done: 20, succeeded: 19, failed: 1 });
  });
});

describe('runBatch', () => {
  it('never has more than `concurrency` requests in flight', async () => {
    const { client, state } = scripted(async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return answer(String(r.model));
    });
    const requests = Array.from({ length: 50 }, (_, i) => ({
      ...userMessage('x'),
      model: `m${i}`,
    }));
    const results = await runBatch(client, requests, { concurrency: 5 });
    expect(state.maxInFlight).toBeLessThanOrEqual(5);
    expect(state.calls).toBe(50);
    expect(results.map((r) => (r.ok ? r.response.content : ''))).toEqual(
      requests.map((r) => r.model),
    );
  });

  it('pauses while every provider cools down instead of failing items, then finishes them', async () => {
    const clock = new FakeClock();
    let cooling = true;
    const { client, state } = scripted(async () => {
      if (cooling) throw new AllProvidersFailedError([], 30_000);
      return answer('ok');
    });
    const progress: BatchProgress[] = [];
    const running = runBatch(
      client,
      Array.from({ length: 10 }, () => userMessage('x')),
      { concurrency: 2, clock, onProgress: (p) => progress.push(p) },
    );
    // The first two calls meet the cooldown; nothing else is started while it lasts.
    await until(() => state.calls === 2 && progress.some((p) => p.pausedUntil !== undefined));
    await new Promise((r) => setTimeout(r, 20));
    expect(state.calls).toBe(2);
    cooling = false;
    clock.advance(30_000);
    const results = await running;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(state.calls).toBe(12);
  });

  it('pauses too when every attempt was a skip without a known end (a half-open probe in flight)', async () => {
    const clock = new FakeClock();
    const skippedOnly = new AllProvidersFailedError([
      { provider: 'a', model: 'm', ok: false, latencyMs: 0, skipped: 'probe_in_flight' },
    ] as never);
    let unavailable = true;
    let pauses = 0;
    const { client, state } = scripted(async () => {
      if (unavailable) throw skippedOnly;
      return answer('ok');
    });
    const running = runBatch(client, [userMessage('x')], {
      clock,
      onProgress: (p) => {
        if (p.pausedUntil !== undefined) pauses += 1;
      },
    });
    await until(() => pauses === 1);
    await new Promise((r) => setTimeout(r, 1));
    unavailable = false;
    clock.advance(250);
    const [result] = await running;
    expect(result?.ok).toBe(true);
    expect(state.calls).toBe(2);
  });

  it('records the error after maxCooldownWaits', async () => {
    const clock = new FakeClock();
    const { client, state } = scripted(async () => {
      throw new AllProvidersFailedError([], 1_000);
    });
    let pauses = 0;
    const running = runBatch(client, [userMessage('x')], {
      clock,
      maxCooldownWaits: 2,
      onProgress: (p) => {
        if (p.pausedUntil !== undefined) pauses += 1;
      },
    });
    for (let i = 0; i < 2; i += 1) {
      // The pause is reported just before its wait is scheduled (same tick).
      await until(() => pauses === i + 1);
      await new Promise((r) => setTimeout(r, 1));
      clock.advance(1_000);
    }
    const [result] = await running;
    expect(result).toMatchObject({ ok: false });
    expect(AllProvidersFailedError.isInstance(result?.ok === false ? result.error : null)).toBe(
      true,
    );
    expect(state.calls).toBe(3);
  });

  it('an abort stops new work and settles what is in flight', async () => {
    const controller = new AbortController();
    const { client, state } = scripted(
      (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(new AbortedError())),
        ),
    );
    const running = runBatch(
      client,
      Array.from({ length: 10 }, () => userMessage('x')),
      { concurrency: 3, signal: controller.signal },
    );
    await until(() => state.inFlight === 3);
    controller.abort();
    const results = await running;
    expect(results).toHaveLength(10);
    expect(results.every((r) => !r.ok && AbortedError.isInstance(r.error))).toBe(true);
    expect(state.calls).toBe(3);
  });

  it('refuses a bad concurrency', async () => {
    const { client } = scripted(async () => answer('x'));
    await expect(runBatch(client, [], { concurrency: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
