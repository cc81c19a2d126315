import { describe, expect, it } from 'vitest';
import {
  GEMINI_KEY,
  GEMINI_MODEL,
  call,
  request,
  useGeminiSim,
} from '../../../test/helpers/gemini-fixture.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { RateLimitError } from '../../errors/rate-limit-error.js';
import { fault } from '../../testing/faults.js';

describe('GeminiProvider (Gemini API): errors', () => {
  const gm = useGeminiSim();

  it.each([
    [401, AuthenticationError, false],
    [403, AuthenticationError, false],
    [400, InvalidRequestError, false],
    [404, InvalidRequestError, false],
    [500, ProviderError, true],
    [503, ProviderError, true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', async (status, type, retryable) => {
    gm.sim.enqueue(fault.status(status, { message: `boom key=${GEMINI_KEY}` }));
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(type.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status, retryable, provider: 'gm', model: GEMINI_MODEL });
    expect((error as ProviderError).upstreamType).toMatch(/^[A-Z_]+$/);
    // An upstream echoing our key never carries it further (S2).
    expect(JSON.stringify(error)).not.toContain(GEMINI_KEY);
    expect((error as Error).message).not.toContain(GEMINI_KEY);
    expect((error as Error).message).toContain('boom');
  });

  it('maps 429 RESOURCE_EXHAUSTED to a RateLimitError with the Retry-After wait', async () => {
    gm.sim.enqueue(fault.status(429, { retryAfter: 2 }));
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
      upstreamType: 'RESOURCE_EXHAUSTED',
    });
  });

  it("reads the wait from Google's RetryInfo when there is no Retry-After header", async () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }],
      },
    });
    gm.sim.enqueue(fault.status(429, { body }));
    await expect(gm.provider.chat(request(), call)).rejects.toMatchObject({ retryAfterMs: 37_000 });
  });

  it('treats the Gemini API answer to a bad key (400 API_KEY_INVALID) as an authentication failure', async () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message: `API key not valid. Please pass a valid API key. (${GEMINI_KEY})`,
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
          },
        ],
      },
    });
    gm.sim.enqueue(fault.status(400, { body }));
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, upstreamCode: 'API_KEY_INVALID' });
    expect(classifyError(error)).toBe('auth');
    expect(JSON.stringify(error)).not.toContain(GEMINI_KEY);
  });

  it('turns malformed JSON into a MalformedResponseError with a bounded excerpt', async () => {
    gm.sim.enqueue(fault.malformed());
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(MalformedResponseError.isInstance(error)).toBe(true);
    expect((error as MalformedResponseError).retryable).toBe(true);
    expect((error as MalformedResponseError).body?.length).toBeLessThanOrEqual(600);
  });

  it('turns an error inside a 200 into a retryable provider failure', async () => {
    gm.sim.enqueue(fault.errorIn200('backend overloaded'));
    const error = await gm.provider.chat(request(), call).catch((e: unknown) => e);
    expect(ProviderError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true, upstreamType: 'INTERNAL' });
    expect((error as Error).message).toContain('error inside a 200 response: backend overloaded');
  });

  it('refuses a 200 body that is not a GenerateContentResponse, or has no candidate', async () => {
    gm.sim.enqueue(
      fault.status(200, { body: '{"candidates":"nope"}' }),
      fault.status(200, { body: '{"usageMetadata":{"promptTokenCount":1}}' }),
    );
    for (let i = 0; i < 2; i += 1) {
      await expect(gm.provider.chat(request(), call)).rejects.toSatisfy((e) =>
        MalformedResponseError.isInstance(e),
      );
    }
  });
});
