import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/start-gateway.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { captureLogger, type CapturedLogger } from '../helpers/capture-logger.js';
import { createFleet, PROVIDER_TYPES, type Fleet } from '../helpers/sim-fleet.js';
import { clientBody, deepBody, jsonValue, nastyString } from './arbitraries.js';
import { fuzzParams, fuzzTimeout } from './fuzz-settings.js';

/**
 * The gateway over HTTP, one provider of every type behind it, on arbitrary requests: bodies
 * (plausible requests with hostile parts, any JSON, broken JSON, deep nesting), headers (keys
 * right, wrong or missing; content types; request ids). Invariants for every request:
 * - the answer is a well-formed OpenAI success (JSON or SSE) or error ({ error: { message, type,
 *   code, param } }), and never a 5xx: client input is never the gateway's or a provider's fault;
 * - no canary (provider keys, the gateway key) in the status line, headers or body;
 * and after the run: no circuit moved, no canary in the logs, memory bounded.
 */
let fleet: Fleet;
let gateway: RunningGateway;
let log: CapturedLogger;

beforeAll(async () => {
  log = captureLogger('debug');
  fleet = await createFleet(
    PROVIDER_TYPES,
    (c) => ({
      ...c,
      circuitBreaker: { failureThreshold: 1, recoveryTimeoutMs: 600_000 },
      server: { port: 0, apiKeys: [CANARY.gateway] },
    }),
    { logger: log.logger },
  );
  gateway = await startGateway({ client: fleet.ai, logger: log.logger });
});

afterAll(async () => {
  await gateway?.close();
  await fleet?.close();
});

const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
  maxLength: 60,
});

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${CANARY.gateway}`) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerValue.map((v) => `Bearer ${v}`) },
  { weight: 1, arbitrary: fc.constant(`bearer   ${CANARY.gateway}  `) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ),
  },
);

const body = fc.oneof(
  { weight: 6, arbitrary: clientBody.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: clientBody.map((b) => JSON.stringify(b).slice(0, -3)) },
  { weight: 1, arbitrary: nastyString },
  { weight: 2, arbitrary: deepBody },
);

function expectWellFormed(status: number, type: string, text: string): void {
  expect(status, text.slice(0, 300)).toBeLessThan(500);
  if (status === 200 && type.startsWith('text/event-stream')) {
    expect(text).toMatch(/^data: /);
    expect(text.includes('data: [DONE]') || text.includes('"error"')).toBe(true);
    return;
  }
  const json = JSON.parse(text) as Record<string, unknown>;
  if (status === 200) {
    expect(Array.isArray(json.choices)).toBe(true);
    return;
  }
  const error = json.error as Record<string, unknown>;
  expect(typeof error.message).toBe('string');
  expect(typeof error.type).toBe('string');
  expect('code' in error && 'param' in error).toBe(true);
}

describe('fuzz: the gateway over HTTP', () => {
  it(
    'answers every request well-formed, never 5xx, never a canary; no circuit moves',
    async () => {
      const heapBefore = process.memoryUsage().heapUsed;
      await fc.assert(
        fc.asyncProperty(
          body,
          authorization,
          contentType,
          fc.option(headerValue),
          async (text, auth, type, requestId) => {
            const headers: Record<string, string> = {};
            if (auth !== undefined) headers.authorization = auth;
            if (type !== undefined) headers['content-type'] = type;
            if (requestId !== null) headers['x-request-id'] = requestId;
            const res = await fetch(`${gateway.url}/v1/chat/completions`, {
              method: 'POST',
              headers,
              body: text,
            });
            const answer = await res.text();
            expectWellFormed(res.status, res.headers.get('content-type') ?? '', answer);
            expectNoCanary(answer, 'the response');
            expectNoCanary(JSON.stringify([...res.headers]), 'the response headers');
          },
        ),
        fuzzParams(150),
      );
      for (const status of fleet.ai.getProviderStatus()) {
        expect(status.failures, status.name).toBe(0);
        expect(status.state, status.name).toBe('closed');
      }
      expectNoCanary(log.text(), 'the logs');
      // Bounded memory: nothing a client sent is kept (generous: GC may not have run).
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    },
    fuzzTimeout(30_000),
  );
});
