import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANARY, expectNoCanary } from '../../../test/helpers/canary.js';
import { captureLogger, type CapturedLogger } from '../../../test/helpers/capture-logger.js';
import { FlexiAI } from '../../client/flexiai.js';
import type { FlexiAIConfigInput } from '../../config/config-schema.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';

const CLAUDE = 'claude-sonnet-4-6';
const GPT = 'gpt-4o-mini';

/** A FlexiAI client over a simulated Anthropic upstream and a simulated OpenAI upstream. */
describe('FlexiAI with an anthropic provider', () => {
  let claudeSim: SimulatedProvider;
  let gptSim: SimulatedProvider;
  let log: CapturedLogger;
  const clients: FlexiAI[] = [];

  beforeEach(async () => {
    claudeSim = await createSimulatedProvider({
      apiKey: CANARY.anthropic,
      wire: 'anthropic',
      name: 'claude-sim',
    });
    gptSim = await createSimulatedProvider({ apiKey: CANARY.openai, name: 'gpt-sim' });
    log = captureLogger('trace');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all([claudeSim.close(), gptSim.close()]);
  });

  function client(claudeFirst: boolean, maxAttempts = 3): FlexiAI {
    const config: FlexiAIConfigInput = {
      providers: [
        {
          name: 'claude',
          type: 'anthropic',
          apiKey: CANARY.anthropic,
          baseURL: claudeSim.baseURL,
          model: CLAUDE,
          priority: claudeFirst ? 1 : 2,
        },
        {
          name: 'gpt',
          type: 'openai',
          apiKey: CANARY.openai,
          baseURL: gptSim.baseURL,
          model: GPT,
          priority: claudeFirst ? 2 : 1,
        },
      ],
      retry: { maxAttempts, initialDelayMs: 1, maxDelayMs: 5 },
    };
    const ai = new FlexiAI(config, { logger: log.logger, env: false });
    clients.push(ai);
    return ai;
  }

  const ask = { messages: [{ role: 'user' as const, content: 'Hello' }] };

  it('serves a request from the anthropic provider', async () => {
    const res = await client(true).chatCompletion(ask);
    expect(res).toMatchObject({
      provider: 'claude',
      model: CLAUDE,
      content: '(claude-sim) You said: Hello',
      finishReason: 'stop',
    });
    expect(claudeSim.requests[0]?.path).toBe('/v1/messages');
    expect(gptSim.chatCalls).toBe(0);
  });

  it('fails over from anthropic (529 overloaded) to openai', async () => {
    claudeSim.enqueue(fault.status(529, { message: 'Overloaded' }));
    const res = await client(true).chatCompletion(ask);
    expect(res.provider).toBe('gpt');
    expect(res.attempts.map((a) => [a.provider, a.ok, a.status])).toEqual([
      ['claude', false, 529],
      ['gpt', true, undefined],
    ]);
    expect(claudeSim.chatCalls).toBe(1);
  });

  it('fails over from anthropic on an error object inside a 200', async () => {
    claudeSim.enqueue(fault.errorIn200('Overloaded'));
    const res = await client(true).chatCompletion(ask);
    expect(res.provider).toBe('gpt');
  });

  it('fails over from openai (500) to anthropic', async () => {
    gptSim.enqueue(fault.status(500));
    const res = await client(false).chatCompletion(ask);
    expect(res.provider).toBe('claude');
    expect(res.content).toBe('(claude-sim) You said: Hello');
    expect(res.attempts.map((a) => a.provider)).toEqual(['gpt', 'claude']);
  });

  it('does not fail over on an anthropic 400: one call, the caller gets the error', async () => {
    claudeSim.enqueue(fault.status(400, { message: 'messages: roles must alternate' }));
    const error = await client(true)
      .chatCompletion(ask)
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('roles must alternate');
    expect(claudeSim.chatCalls).toBe(1);
    expect(gptSim.chatCalls).toBe(0);
  });

  it('does not fail over on a request anthropic cannot express (0 upstream calls)', async () => {
    const error = await client(true)
      .chatCompletion({
        messages: [
          {
            role: 'assistant',
            toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: 'nope' } }],
          },
          { role: 'tool', toolCallId: 't', content: 'x' },
        ],
      })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('ValidationError');
    expect(claudeSim.requests).toHaveLength(0);
    expect(gptSim.requests).toHaveLength(0);
  });

  it('S1/S2: the canary key never reaches errors, causes, logs or URLs, even when echoed upstream', async () => {
    const ai = client(true, 1);
    const echo = `invalid x-api-key: ${CANARY.anthropic}`;
    claudeSim.enqueue(
      fault.status(401, { message: echo }),
      fault.status(500, { message: echo }),
      fault.status(529, { message: echo }),
      fault.status(200, {
        body: JSON.stringify({ type: 'error', error: { type: 'api_error', message: echo } }),
      }),
    );
    gptSim.setDefault(fault.status(503, { message: `upstream saw ${CANARY.openai}` }));
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      errors.push(await ai.chatCompletion(ask).catch((e: unknown) => e));
      ai.resetCircuitBreakers();
    }
    gptSim.setDefault(fault.ok());
    await ai.chatCompletion(ask);
    expect(errors.map((e) => (e as Error).name)).toEqual(Array(4).fill('AllProvidersFailedError'));
    expect(claudeSim.chatCalls).toBe(5);
    for (const error of errors) {
      let text = `${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}`;
      for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
        text += `\n${String((e as Error).message)}\n${String((e as Error).stack)}`;
      }
      expectNoCanary(text, 'error');
    }
    expect(log.lines().length).toBeGreaterThan(0);
    expectNoCanary(log.text(), 'logs');
    expectNoCanary(JSON.stringify(ai.getProviderStatus()), 'provider status');
    for (const request of [...claudeSim.requests, ...gptSim.requests]) {
      expectNoCanary(request.url, 'request URL');
    }
  });
});
