import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  GEMINI_KEY,
  GEMINI_MODEL,
  geminiConfig,
  useGeminiSim,
} from '../../../test/helpers/gemini-fixture.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { GeminiProvider } from './gemini-provider.js';

describe('GeminiProvider (Gemini API): health check and key format', () => {
  const gm = useGeminiSim();

  it('caches its health check, a GET of the model', async () => {
    const first = await gm.provider.healthCheck({ force: true });
    const second = await gm.provider.healthCheck();
    expect(first.ok).toBe(true);
    expect(second).toBe(first);
    expect(gm.sim.requests).toHaveLength(1);
    expect(gm.sim.requests[0]).toMatchObject({
      method: 'GET',
      url: `/v1beta/models/${GEMINI_MODEL}`,
    });
    expect(gm.sim.requests[0]?.headers['x-goog-api-key']).toBe(GEMINI_KEY);
  });

  it('reports a failed health check without the key', async () => {
    const other = new GeminiProvider(
      geminiConfig({ baseURL: gm.sim.baseURL, apiKey: 'AIzaWRONGkey0123456789abcdefABCDEFGHIJ' }),
      {
        clock: systemClock,
        logger: silentLogger,
      },
    );
    const result = await other.healthCheck({ force: true });
    expect(result.ok).toBe(false);
    expect(AuthenticationError.isInstance(result.error)).toBe(true);
    expect(JSON.stringify(result.error)).not.toContain('AIzaWRONGkey');
    expect(String(result.error?.message)).not.toContain('AIzaWRONGkey');
    await other.close();
  });
});

describe('Gemini API key at rest', () => {
  it('is never shown when the provider is inspected or serialized (S4)', () => {
    const provider = new GeminiProvider(geminiConfig(), {
      clock: systemClock,
      logger: silentLogger,
    });
    expect(inspect(provider, { depth: 10 })).not.toContain(GEMINI_KEY);
    expect(JSON.stringify(provider)).not.toContain(GEMINI_KEY);
    return provider.close();
  });
});
