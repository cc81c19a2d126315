import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { parseConfig } from './parse-config.js';

const provider = { name: 'oa', type: 'openai', apiKey: 'sk-test', model: 'gpt-4o-mini' };

describe('presets', () => {
  it('interactive sets tight deadlines, fast failover and early-tripping circuits', () => {
    const config = parseConfig({ preset: 'interactive', providers: [provider] }, { env: false });
    expect(config.retry).toMatchObject({ maxAttempts: 2, budgetMs: 5_000, maxDelayMs: 1_000 });
    expect(config.circuitBreaker).toMatchObject({ failureThreshold: 3, recoveryTimeoutMs: 30_000 });
    expect(config.providers[0]).toMatchObject({
      timeoutMs: 30_000,
      firstByteTimeoutMs: 10_000,
      firstOutputTimeoutMs: 8_000,
      idleTimeoutMs: 10_000,
    });
  });

  it('batch sets patient retries and long timeouts', () => {
    const config = parseConfig({ preset: 'batch', providers: [provider] }, { env: false });
    expect(config.retry).toMatchObject({ maxAttempts: 5, budgetMs: 300_000 });
    expect(config.providers[0]).toMatchObject({ timeoutMs: 600_000, idleTimeoutMs: 120_000 });
  });

  it('explicit options win over the preset, field by field, and a clamped deadline fits timeoutMs', () => {
    const config = parseConfig(
      {
        preset: 'batch',
        retry: { maxAttempts: 2 },
        circuitBreaker: { failureThreshold: 1 },
        providers: [{ ...provider, timeoutMs: 20_000 }],
      },
      { env: false },
    );
    expect(config.retry).toMatchObject({ maxAttempts: 2, budgetMs: 300_000 });
    expect(config.circuitBreaker).toMatchObject({ failureThreshold: 1, recoveryTimeoutMs: 60_000 });
    expect(config.providers[0]).toMatchObject({ timeoutMs: 20_000, firstByteTimeoutMs: 20_000 });
  });

  it('FLEXIAI_* overrides count as explicit options', () => {
    const config = parseConfig(
      { preset: 'interactive', providers: [provider] },
      { env: { FLEXIAI_RETRY_MAX_ATTEMPTS: '4' } },
    );
    expect(config.retry.maxAttempts).toBe(4);
  });

  it('an unknown preset is named by its path', () => {
    try {
      parseConfig({ preset: 'turbo', providers: [provider] }, { env: false });
      expect.unreachable();
    } catch (error) {
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as ConfigurationError).issues[0]?.path).toBe('preset');
    }
  });
});
