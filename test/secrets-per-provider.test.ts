import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderType } from '../src/config/provider-config-schema.js';
import { fault, type Fault } from '../src/testing/faults.js';
import { CANARY, errorSurface, expectNoCanary } from './helpers/canary.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import {
  createFleet,
  KEY_OF,
  PROVIDER_TYPES,
  userMessage,
  type Fleet,
} from './helpers/sim-fleet.js';

/** The header each provider type sends its credential in, and how. */
const CREDENTIAL_HEADER: Record<ProviderType, [string, (key: string) => string]> = {
  openai: ['authorization', (key) => `Bearer ${key}`],
  'openai-compatible': ['authorization', (key) => `Bearer ${key}`],
  anthropic: ['x-api-key', (key) => key],
  gemini: ['x-goog-api-key', (key) => key],
  vertexai: ['authorization', (key) => `Bearer ${key}`],
};

/**
 * S1/S2 for every provider type: two providers of the type (a, b) configured with its canary
 * credential; a fails in every way an upstream can, echoing the credential back in every place it
 * can (error messages, raw bodies, bodies that are not JSON, errors inside a 200, stream events),
 * and nothing FlexiAI produces may carry it: errors (message, stack, JSON, util.inspect, the
 * cause chain), log lines at trace level, util.inspect(client), the config, status and stats.
 */
describe.each(PROVIDER_TYPES)('S1/S2: %s credentials never leak', (type) => {
  const key = KEY_OF[type];
  const echo = `Incorrect API key provided: ${key}. Authorization: Bearer ${key}. key=${key}`;
  let fleet: Fleet;
  let log: CapturedLogger;
  const surfaces: string[] = [];

  beforeAll(async () => {
    log = captureLogger('trace');
    fleet = await createFleet(
      [type, type],
      (c) => ({
        ...c,
        providers: c.providers.map((p) => ({ ...p, firstByteTimeoutMs: 200, idleTimeoutMs: 200 })),
        retry: { ...c.retry, maxAttempts: 2 },
        circuitBreaker: { failureThreshold: 1_000 },
        logging: { level: 'trace' },
      }),
      { logger: log.logger },
    );
  });
  afterAll(() => fleet.close());

  /** Scripts `f` on a for the next request, with fresh circuits. */
  const arm = (f: Fault): void => {
    fleet.sims[0]?.reset().enqueue(f, f);
    fleet.ai.resetCircuitBreakers();
  };

  it('plain calls: status errors, raw and malformed bodies, errors in a 200, timeouts, resets', async () => {
    const faults = [
      fault.status(500, { message: echo }),
      fault.status(401, { message: echo }),
      fault.status(403, { message: echo }),
      fault.status(429, { message: echo, retryAfterMs: 1 }),
      fault.status(400, { message: echo }),
      fault.status(404, { message: echo }),
      fault.status(503, { body: `<html>upstream said ${echo}</html>` }),
      fault.status(200, { body: `{"broken": "${echo}` }),
      fault.status(200, { body: `{"error": {"message": "${echo}", "code": 500}}` }),
      fault.errorIn200(echo),
      fault.hang(),
      fault.reset(),
    ];
    for (const f of faults) {
      arm(f);
      const errors = await fleet.ai
        .chatCompletion(userMessage('hi'))
        .then((res) => res.attempts.map((a) => a.error))
        .catch((error: unknown) => [error]);
      expect(errors[0], `a fails on ${f.kind}`).toBeDefined();
      for (const error of errors) if (error) surfaces.push(errorSurface(error));
    }
    expect(surfaces.length).toBeGreaterThanOrEqual(faults.length);
    for (const text of surfaces) expectNoCanary(text, 'an error');
  });

  it('streams: errors before and after output, stream error events, cuts, stalls, bad events', async () => {
    const faults: Fault[] = [
      fault.status(500, { message: echo }),
      fault.status(401, { message: echo }),
      fault.status(429, { message: echo, retryAfterMs: 1 }),
      fault.status(400, { message: echo }),
      fault.status(200, { body: `data: {"error": {"message": "${echo}"}}\n\n` }),
      fault.streamError(0, echo),
      fault.streamError(2, echo),
      { kind: 'stream-error', afterChunks: 2, message: echo, type: 'authentication_error' },
      fault.streamCut(2),
      fault.streamStall(2),
      { kind: 'stream-malformed', afterChunks: 1 },
    ];
    const before = surfaces.length;
    for (const f of faults) {
      arm(f);
      const stream = fleet.ai.chatCompletionStream(userMessage('hi'));
      const errors = await (async () => {
        for await (const _chunk of stream) {
          // draining
        }
        return (await stream.finalResponse()).attempts.map((a) => a.error);
      })().catch((error: unknown) => [error]);
      expect(errors[0], `a fails on ${f.kind}`).toBeDefined();
      for (const error of errors) if (error) surfaces.push(errorSurface(error));
    }
    expect(surfaces.length - before).toBeGreaterThanOrEqual(faults.length);
    for (const text of surfaces.slice(before)) expectNoCanary(text, 'a stream error');
  });

  it('log lines at every level (trace included) hold no credential', () => {
    const text = log.text();
    expect(log.lines().some((l) => l.level === 10 || l.level === 20 || l.level === 40)).toBe(true);
    expectNoCanary(text, 'the logs');
  });

  it('util.inspect(client), the config, status and stats show no credential', () => {
    for (const [where, text] of [
      ['inspect(client)', inspect(fleet.ai, { depth: 20, showHidden: true })],
      ['inspect(config)', inspect(fleet.ai.config, { depth: 20, showHidden: true })],
      ['JSON.stringify(config)', JSON.stringify(fleet.ai.config)],
      ['status', JSON.stringify(fleet.ai.getProviderStatus())],
      ['inspect(status)', inspect(fleet.ai.getProviderStatus(), { depth: 20 })],
      ['stats', JSON.stringify(fleet.ai.getRequestStats())],
    ] as const) {
      expectNoCanary(text, where);
    }
    expect(JSON.stringify(fleet.ai.config)).toContain('****');
  });

  it('the credential reaches the upstream in its header only, never in a URL', () => {
    const [name, value] = CREDENTIAL_HEADER[type];
    const sent = fleet.sims.flatMap((sim) => sim.requests);
    expect(sent.length).toBeGreaterThan(10);
    for (const request of sent) {
      expect(request.headers[name]).toBe(value(key));
      expectNoCanary(request.url, 'a URL');
      expect(request.url).not.toMatch(/[?&]key=/);
    }
    // No other provider's credential was sent either.
    const others = Object.values(CANARY).filter((c) => c !== key);
    for (const request of sent)
      for (const other of others) expect(JSON.stringify(request.headers)).not.toContain(other);
  });
});
