import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FlexiAI } from '../../src/client/flexiai.js';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { ContentFilterError } from '../../src/errors/content-filter-error.js';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.js';
import { fault } from '../../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { captureLogger, type CapturedLogger } from '../helpers/capture-logger.js';

const ask = (content = 'Hello') => ({ messages: [{ role: 'user' as const, content }] });

/** A FlexiAI client over a Gemini API provider, a Vertex AI provider and an OpenAI-compatible one. */
describe('FlexiAI with gemini and vertexai providers', () => {
  let gemini: SimulatedProvider;
  let vertex: SimulatedProvider;
  let openai: SimulatedProvider;
  let logs: CapturedLogger;
  let ai: FlexiAI;
  const errors: unknown[] = [];

  beforeAll(async () => {
    gemini = await createSimulatedProvider({ wire: 'gemini', apiKey: CANARY.gemini, name: 'g' });
    vertex = await createSimulatedProvider({
      wire: 'gemini',
      apiKey: CANARY.vertexToken,
      name: 'v',
    });
    openai = await createSimulatedProvider({ name: 'o' });
    logs = captureLogger('trace');
    ai = new FlexiAI(
      {
        providers: [
          {
            name: 'gemini',
            type: 'gemini',
            apiKey: CANARY.gemini,
            model: 'gemini-2.5-flash',
            baseURL: gemini.baseURL,
            priority: 1,
          },
          {
            name: 'compat',
            type: 'openai-compatible',
            baseURL: openai.baseURL,
            model: 'model-o',
            priority: 2,
          },
          {
            name: 'vertex',
            type: 'vertexai',
            project: 'my-proj',
            location: 'us-central1',
            accessToken: CANARY.vertexToken,
            model: 'gemini-2.5-pro',
            baseURL: vertex.baseURL,
            priority: 3,
          },
        ],
        routes: { 'vertex-first': ['vertex', 'compat'], 'compat-first': ['compat', 'vertex'] },
        retry: { initialDelayMs: 1, maxDelayMs: 5 },
      },
      { logger: logs.logger, env: false },
    );
  });
  afterAll(async () => {
    await ai.close();
    await Promise.all([gemini.close(), vertex.close(), openai.close()]);
  });
  beforeEach(() => {
    for (const sim of [gemini, vertex, openai]) sim.reset();
    ai.resetCircuitBreakers();
  });

  it('serves from the Gemini API provider', async () => {
    const res = await ai.chatCompletion(ask('ping'));
    expect(res).toMatchObject({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      finishReason: 'stop',
    });
    expect(res.content).toBe('(g) You said: ping');
    expect(openai.chatCalls).toBe(0);
  });

  it('fails over from Gemini on 503 UNAVAILABLE', async () => {
    gemini.enqueue(fault.status(503));
    const res = await ai.chatCompletion(ask());
    expect(res.provider).toBe('compat');
    expect(res.attempts.map((a) => [a.provider, a.ok, a.status])).toEqual([
      ['gemini', false, 503],
      ['compat', true, undefined],
    ]);
  });

  it('fails over to Vertex AI when the provider before it fails', async () => {
    openai.enqueue(fault.status(500));
    const res = await ai.chatCompletion({ ...ask(), model: 'compat-first' });
    expect(res.provider).toBe('vertex');
    expect(res.content).toBe('(v) You said: Hello');
    expect(vertex.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY.vertexToken}`);
  });

  it('fails over from Vertex AI on 429 and from a Gemini error inside a 200', async () => {
    vertex.enqueue(fault.status(429, { retryAfter: 30 }));
    expect((await ai.chatCompletion({ ...ask(), model: 'vertex-first' })).provider).toBe('compat');
    gemini.enqueue(fault.errorIn200());
    expect((await ai.chatCompletion(ask())).provider).toBe('compat');
  });

  it('does not fail over on a 400: one call, the caller gets the error', async () => {
    gemini.enqueue(fault.status(400, { message: 'contents is not specified' }));
    const error = await ai.chatCompletion(ask()).catch((e: unknown) => e);
    errors.push(error);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(gemini.chatCalls).toBe(1);
    expect(openai.chatCalls).toBe(0);
    expect(vertex.chatCalls).toBe(0);
  });

  it('does not fail over on a blocked prompt', async () => {
    gemini.enqueue(fault.ok({ wireExtras: { blockReason: 'SAFETY' } }));
    const error = await ai.chatCompletion(ask()).catch((e: unknown) => e);
    errors.push(error);
    expect(ContentFilterError.isInstance(error)).toBe(true);
    expect(openai.chatCalls).toBe(0);
  });

  it('fails over on a refused key, marks the provider misconfigured, and never shows the key', async () => {
    gemini.enqueue(fault.status(403, { message: `key ${CANARY.gemini} is not allowed` }));
    const res = await ai.chatCompletion(ask());
    expect(res.provider).toBe('compat');
    const failed = res.attempts[0]?.error;
    errors.push(failed);
    expect(AuthenticationError.isInstance(failed)).toBe(true);
    const status = ai.getProviderStatus().find((s) => s.name === 'gemini');
    expect(status?.misconfigured).toBe(true);
    expectNoCanary(status?.misconfiguredReason ?? '', 'provider status');
  });

  it('keeps every canary out of logs, errors, cause chains and URLs (S1)', async () => {
    gemini.enqueue(fault.status(401, { message: `bad key ${CANARY.gemini}` }));
    vertex.enqueue(fault.status(401, { message: `bad token Bearer ${CANARY.vertexToken}` }));
    openai.enqueue(fault.status(500));
    const all = await ai.chatCompletion(ask()).catch((e: unknown) => e);
    errors.push(all);
    for (const error of errors) {
      expectNoCanary(JSON.stringify(error), 'error JSON');
      let cause: unknown = error;
      while (cause instanceof Error) {
        expectNoCanary(`${cause.message}\n${cause.stack ?? ''}`, 'error chain');
        cause = cause.cause;
      }
    }
    expect(logs.lines().length).toBeGreaterThan(0);
    expectNoCanary(logs.text(), 'logs');
    for (const sim of [gemini, vertex, openai])
      for (const sent of sim.requests) expectNoCanary(sent.url, 'URL');
  });
});
