import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/parse-config.js';
import type { AnthropicProviderConfig } from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import { AnthropicProvider } from './anthropic-provider.js';

const KEY = 'sk-ant-api03.TESTKEYerrors0123456789abcdefABCDEF';
const MODEL = 'claude-sonnet-4-6';
const call = { correlationId: 'req_test', logger: silentLogger };
const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };

/** Everything an error carries, as text: message, JSON form, and the cause chain. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    parts.push(String((e as Error).message), String((e as Error).stack));
  }
  return `${parts.join('\n')}\n${JSON.stringify(error)}`;
}

describe('AnthropicProvider error mapping over HTTP', () => {
  let sim: SimulatedProvider;
  let provider: AnthropicProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ apiKey: KEY, wire: 'anthropic' });
    const config = parseConfig(
      {
        providers: [
          { name: 'claude', type: 'anthropic', apiKey: KEY, model: MODEL, baseURL: sim.baseURL },
        ],
      },
      { env: false },
    ).providers[0] as AnthropicProviderConfig;
    provider = new AnthropicProvider(config, { clock: systemClock, logger: silentLogger });
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it.each([
    [400, InvalidRequestError, 'invalid_request_error', false, 'caller'],
    [401, AuthenticationError, 'authentication_error', false, 'auth'],
    [402, AuthenticationError, 'billing_error', false, 'auth'],
    [403, AuthenticationError, 'permission_error', false, 'auth'],
    [404, InvalidRequestError, 'not_found_error', false, 'caller'],
    [413, InvalidRequestError, 'request_too_large', false, 'caller'],
    [500, ProviderError, 'api_error', true, 'transient'],
    [503, ProviderError, 'api_error', true, 'transient'],
    [504, ProviderError, 'timeout_error', true, 'transient'],
    [529, ProviderError, 'overloaded_error', true, 'transient'],
  ] as const)(
    'maps HTTP %i to %s (%s, retryable %s, %s)',
    async (status, type, upstreamType, retryable, failureClass) => {
      sim.enqueue(
        fault.status(status, {
          message: `boom, your key was ${KEY}`,
          headers: { 'request-id': `req_${status}` },
        }),
      );
      const error = await provider.chat(request, call).catch((e: unknown) => e);
      expect(type.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        status,
        retryable,
        upstreamType,
        requestId: `req_${status}`,
        provider: 'claude',
        model: MODEL,
      });
      expect(classifyError(error)).toBe(failureClass);
      expect((error as Error).message).toContain(`HTTP ${status} ${upstreamType}: boom`);
      // An upstream echoing our key never carries it further (S2).
      expect(everything(error)).not.toContain(KEY);
      expect((error as ProviderError).body).toContain('[REDACTED]');
    },
  );

  it('maps 429 to a RateLimitError with the Retry-After wait', async () => {
    sim.enqueue(fault.status(429, { retryAfter: 7, headers: { 'request-id': 'req_rl' } }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 7000,
      retryable: true,
      upstreamType: 'rate_limit_error',
      requestId: 'req_rl',
    });
    expect(classifyError(error)).toBe('rate_limit');
  });

  it('maps 529 overloaded to a retryable provider error that fails over', async () => {
    sim.enqueue(fault.status(529, { message: 'Overloaded' }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(RateLimitError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ status: 529, retryable: true, upstreamType: 'overloaded_error' });
    expect((error as Error).message).toContain('Overloaded');
  });

  it('honours x-should-retry: false', async () => {
    sim.enqueue(fault.status(500, { headers: { 'x-should-retry': 'false' } }));
    await expect(provider.chat(request, call)).rejects.toMatchObject({
      status: 500,
      retryable: false,
    });
  });

  it('maps an error body that is not Anthropic JSON by status alone', async () => {
    sim.enqueue(fault.status(502, { body: '<html>Bad gateway</html>' }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, retryable: true, body: '<html>Bad gateway</html>' });
  });

  it('turns malformed JSON into a MalformedResponseError with a bounded excerpt', async () => {
    sim.enqueue(fault.malformed());
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true });
    expect((error as MalformedResponseError).body?.length).toBeLessThanOrEqual(600);
  });

  it('refuses a 200 body that is not an Anthropic message', async () => {
    sim.enqueue(fault.status(200, { body: '{"id":"x","choices":[]}' }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('not an Anthropic message');
  });

  it('turns an error object inside a 200 into a retryable provider failure', async () => {
    sim.enqueue(fault.errorIn200('Internal server error'));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 200, retryable: true, upstreamType: 'api_error' });
    expect((error as Error).message).toContain('Internal server error');
    expect(classifyError(error)).toBe('transient');
  });

  it.each([
    ['overloaded_error', ProviderError, 'transient'],
    ['rate_limit_error', RateLimitError, 'rate_limit'],
    ['authentication_error', AuthenticationError, 'auth'],
  ] as const)('classes an error-in-200 of type %s by its type', async (type, cls, failureClass) => {
    const body = JSON.stringify({ type: 'error', error: { type, message: `m ${KEY}` } });
    sim.enqueue(fault.status(200, { body }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(cls.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe(failureClass);
    expect(everything(error)).not.toContain(KEY);
  });

  it('maps a refused key (the simulator checks x-api-key) to a non-retryable AuthenticationError', async () => {
    const config = parseConfig(
      {
        providers: [
          {
            name: 'claude',
            type: 'anthropic',
            apiKey: 'sk-ant-api03.WRONGKEY0123456789abcdef',
            model: MODEL,
            baseURL: sim.baseURL,
          },
        ],
      },
      { env: false },
    ).providers[0] as AnthropicProviderConfig;
    const wrong = new AnthropicProvider(config, { clock: systemClock, logger: silentLogger });
    const error = await wrong.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(everything(error)).not.toContain('WRONGKEY');
    await wrong.close();
  });
});
