import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/configuration-error.js';
import { parseConfig } from './parse-config.js';
import { effectiveRetry } from './retry-config-schema.js';

const provider = { name: 'oa', type: 'openai', apiKey: 'sk-test', model: 'gpt-4o-mini' };

function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw, { env: false });
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return (error as ConfigurationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigurationError');
}

describe('per-provider policies', () => {
  it('a provider retry overrides the global fields it sets and inherits the rest', () => {
    const config = parseConfig(
      {
        retry: { maxAttempts: 4, initialDelayMs: 100 },
        providers: [{ ...provider, retry: { maxAttempts: 1 } }],
      },
      { env: false },
    );
    const own = config.providers[0]?.retry;
    expect(own).toEqual({ maxAttempts: 1 });
    expect(effectiveRetry(config.retry, own)).toMatchObject({
      maxAttempts: 1,
      initialDelayMs: 100,
      maxDelayMs: 8_000,
    });
    expect(issuesOf({ providers: [{ ...provider, retry: { budgetMs: 5 } }] })[0]).toMatch(
      /^providers\.0\.retry: Unrecognized key: "budgetMs"/,
    );
  });

  it('a provider circuitBreaker inherits the global fields it does not set (no defaults leak in)', () => {
    const config = parseConfig(
      {
        circuitBreaker: { recoveryTimeoutMs: 5_000 },
        providers: [{ ...provider, circuitBreaker: { failureThreshold: 2 } }],
      },
      { env: false },
    );
    expect(config.providers[0]?.circuitBreaker).toEqual({ failureThreshold: 2 });
  });

  it('validates a provider policy together with the global one, naming the field', () => {
    expect(
      issuesOf({
        retry: { maxCooldownMs: 500 },
        providers: [{ ...provider, retry: { defaultCooldownMs: 1_000 } }],
      }),
    ).toEqual(['providers.0.retry.defaultCooldownMs: must not exceed maxCooldownMs (500)']);
    expect(issuesOf({ providers: [{ ...provider, retry: { maxAttempts: 0 } }] })[0]).toMatch(
      /^providers\.0\.retry\.maxAttempts/,
    );
    expect(issuesOf({ providers: [{ ...provider, retry: { maxAttemps: 2 } }] })[0]).toMatch(
      /^providers\.0\.retry: Unrecognized key/,
    );
    expect(
      issuesOf({ providers: [{ ...provider, timeoutMs: 1_000, firstByteTimeoutMs: 2_000 }] }),
    ).toEqual(["providers.0.firstByteTimeoutMs: must not exceed the provider's timeoutMs (1000)"]);
    expect(
      issuesOf({ providers: [{ ...provider, circuitBreaker: { failureThreshold: 0 } }] })[0],
    ).toMatch(/^providers\.0\.circuitBreaker\.failureThreshold/);
  });
});

describe('route objects', () => {
  const providers = [
    { ...provider, name: 'a' },
    { ...provider, name: 'b' },
  ];

  it('a plain list and an object parse to the same form; failoverOn is off by default', () => {
    const config = parseConfig(
      {
        providers,
        routes: {
          plain: ['a', 'b'],
          smart: { providers: ['a', 'b'], failoverOn: ['context_length'], weights: { a: 3, b: 1 } },
        },
      },
      { env: false },
    );
    expect(config.routes.plain).toEqual({ providers: ['a', 'b'], failoverOn: [] });
    expect(config.routes.smart).toEqual({
      providers: ['a', 'b'],
      failoverOn: ['context_length'],
      weights: { a: 3, b: 1 },
    });
  });

  it('names bad route fields by their path', () => {
    expect(issuesOf({ providers, routes: { r: ['a', 'zz'] } })).toEqual([
      'routes.r.1: names no configured provider: "zz"',
    ]);
    expect(issuesOf({ providers, routes: { r: { providers: ['a', 'zz'] } } })).toEqual([
      'routes.r.providers.1: names no configured provider: "zz"',
    ]);
    expect(issuesOf({ providers, routes: { r: { providers: ['a'], weights: { b: 1 } } } })).toEqual(
      ['routes.r.weights.b: names no provider of this route: "b"'],
    );
    expect(
      issuesOf({ providers, routes: { r: { providers: ['a'], failoverOn: ['outage'] } } })[0],
    ).toMatch(/^routes\.r/);
  });
});
