import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { CANARY, errorSurface, expectNoCanary } from './helpers/canary.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';

const PROMPT_CANARY = 'CANARY-PROMPT-do-not-log-7f3a';

describe('S1/S2/S3/S4: credentials and prompts never leak', () => {
  let a: SimulatedProvider;
  let b: SimulatedProvider;
  let ai: FlexiAI;
  let log: CapturedLogger;
  const surfaces: string[] = [];

  beforeAll(async () => {
    a = await createSimulatedProvider({ name: 'a', apiKey: CANARY.openai });
    b = await createSimulatedProvider({ name: 'b', apiKey: CANARY.compatible, wire: 'openai' });
    log = captureLogger('trace');
    ai = new FlexiAI(
      {
        providers: [
          {
            name: 'a',
            type: 'openai',
            apiKey: CANARY.openai,
            model: 'gpt-4o-mini',
            baseURL: a.baseURL,
            firstByteTimeoutMs: 200,
          },
          // b's simulator checks `Authorization: Bearer`; this one sends `api-key`, so it is refused with 401.
          {
            name: 'b',
            type: 'openai-compatible',
            apiKey: CANARY.compatible,
            authHeader: 'api-key',
            model: 'm',
            baseURL: b.baseURL,
          },
        ],
        server: { apiKeys: [CANARY.gateway] },
        retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
        circuitBreaker: { failureThreshold: 100 },
      },
      { logger: log.logger, env: false },
    );
  });
  afterAll(async () => {
    await ai.close();
    await a.close();
    await b.close();
  });

  it('upstream failures of every kind, echoing the key back, never carry it', async () => {
    const echo = `Incorrect API key provided: ${CANARY.openai}. Authorization: Bearer ${CANARY.openai}`;
    const faults = [
      fault.status(500, { message: echo }),
      fault.status(401, { message: echo }),
      fault.status(429, { message: echo, retryAfterMs: 1 }),
      fault.status(400, { message: echo }),
      fault.status(200, { body: `{"broken": "${CANARY.openai}` }),
      fault.errorIn200(echo),
      fault.hang(),
      fault.reset(),
      fault.status(503, { body: `<html>upstream said ${CANARY.openai}</html>` }),
    ];
    for (const f of faults) {
      a.reset().enqueue(f, f);
      ai.resetCircuitBreakers();
      const outcome = await ai
        .chatCompletion({ messages: [{ role: 'user', content: PROMPT_CANARY }] })
        .then((res) => res.attempts.map((x) => x.error))
        .catch((error: unknown) => [error]);
      for (const error of outcome) if (error) surfaces.push(errorSurface(error));
    }
    expect(surfaces.length).toBeGreaterThanOrEqual(faults.length);
    for (const text of surfaces) expectNoCanary(text, 'an error');
  });

  it('logs at every level hold no key and no prompt (content logging is off)', () => {
    const text = log.text();
    expect(text.length).toBeGreaterThan(0);
    expectNoCanary(text, 'the logs');
    expect(text).not.toContain(PROMPT_CANARY);
  });

  it('the client, its config, status and stats show keys masked only', () => {
    for (const [where, text] of [
      ['inspect(client)', inspect(ai, { depth: 20, showHidden: true })],
      ['inspect(config)', inspect(ai.config, { depth: 20 })],
      ['JSON.stringify(config)', JSON.stringify(ai.config)],
      ['status', JSON.stringify(ai.getProviderStatus())],
      ['stats', JSON.stringify(ai.getRequestStats())],
    ] as const) {
      expectNoCanary(text, where);
    }
    expect(JSON.stringify(ai.config)).toContain('****');
  });

  it('the key still reaches the upstream, in the configured header only', () => {
    const sent = a.requests.find((r) => r.operation === 'chat');
    expect(sent?.headers.authorization).toBe(`Bearer ${CANARY.openai}`);
    const toB = b.requests.find((r) => r.operation === 'chat');
    expect(toB?.headers['api-key']).toBe(CANARY.compatible);
    expect(toB?.headers.authorization).toBeUndefined();
  });
});

describe('S3: content logging is opt-in', () => {
  it('logs prompts and completions at debug only when logging.logContent is on', async () => {
    const sim = await createSimulatedProvider();
    const log = captureLogger('debug');
    const ai = new FlexiAI(
      {
        providers: [{ name: 'a', type: 'openai-compatible', model: 'm', baseURL: sim.baseURL }],
        logging: { level: 'debug', logContent: true },
      },
      { logger: log.logger, env: false },
    );
    const res = await ai.chatCompletion({
      messages: [{ role: 'user', content: PROMPT_CANARY }],
      correlationId: 'corr-1',
    });
    expect(res.correlationId).toBe('corr-1');
    const lines = log.lines();
    expect(lines.some((l) => JSON.stringify(l).includes(PROMPT_CANARY))).toBe(true);
    expect(lines.every((l) => l.correlationId === 'corr-1')).toBe(true);
    await ai.close();
    await sim.close();
  });
});
