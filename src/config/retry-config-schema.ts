import { z } from 'zod';

const ms = () => z.number().int().positive();

/** The retry policy: global under `retry`, overridable per provider (`providers[].retry`). */
export const retrySchema = z.strictObject({
  /** Most calls one request makes to any one provider (the first call included). */
  maxAttempts: z.number().int().positive().default(3),
  /** Backoff before the n-th pass over the providers: full jitter up to initialDelayMs x 2^(n-1). */
  initialDelayMs: ms().default(250),
  maxDelayMs: ms().default(8_000),
  /** Total time a request may spend waiting between passes (backoff and Retry-After). */
  budgetMs: ms().default(30_000),
  /** Cooldown after a 429 that carries no Retry-After. */
  defaultCooldownMs: ms().default(1_000),
  /** A Retry-After longer than this is capped. */
  maxCooldownMs: ms().default(300_000),
});
export type RetryConfig = z.output<typeof retrySchema>;

/**
 * A provider's own retry fields, with no defaults: unset ones come from the global `retry`. Only
 * what concerns one provider; backoff between passes and the waiting budget belong to the request.
 */
export const providerRetrySchema = z.strictObject({
  /** Most calls one request makes to this provider. */
  maxAttempts: z.number().int().positive().optional(),
  /** This provider's cooldown after a 429 without Retry-After. */
  defaultCooldownMs: ms().optional(),
  /** Cap on this provider's Retry-After. */
  maxCooldownMs: ms().optional(),
});
export type ProviderRetryConfig = z.output<typeof providerRetrySchema>;

/** The retry policy one provider runs under: the global one with the provider's fields on top. */
export function effectiveRetry(
  global: RetryConfig,
  own: ProviderRetryConfig | undefined,
): RetryConfig {
  if (!own) return global;
  const merged = { ...global };
  for (const [key, value] of Object.entries(own) as [keyof RetryConfig, number | undefined][]) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
