import { z } from 'zod';

/** A price in USD per 1M tokens: a finite number, zero or more, at most six decimals used. */
const usdPerMillion = () =>
  z.number().finite().nonnegative('must not be negative (USD per 1M tokens)');

/** Prices that apply instead when a request's prompt is longer than `thresholdTokens`. */
export const longContextPriceSchema = z.strictObject({
  /** Prompts of more than this many tokens (cache reads and writes included) use these prices. */
  thresholdTokens: z.number().int().positive(),
  input: usdPerMillion(),
  output: usdPerMillion(),
  cachedInput: usdPerMillion().optional(),
  cacheWrite: usdPerMillion().optional(),
  reasoning: usdPerMillion().optional(),
});

/**
 * One model's prices, USD per 1M tokens. `cachedInput`: prompt tokens read from the provider's
 * cache; `cacheWrite`: prompt tokens written to it (Anthropic); `reasoning`: reasoning tokens when
 * the provider prices them apart from output (else they are output). A component a usage needs
 * but the price lacks makes that cost unknown, never guessed.
 */
export const modelPriceSchema = z.strictObject({
  /** Only US dollars: prices in another currency are rejected, not converted. */
  currency: z
    .string()
    .refine((c) => c.toUpperCase() === 'USD', 'unknown currency: prices are in USD only')
    .optional(),
  input: usdPerMillion(),
  output: usdPerMillion().optional(),
  cachedInput: usdPerMillion().optional(),
  cacheWrite: usdPerMillion().optional(),
  reasoning: usdPerMillion().optional(),
  longContext: longContextPriceSchema.optional(),
  /** Tokens the model accepts in one request (prompt and output). */
  contextWindow: z.number().int().positive().optional(),
  /** Most output tokens the model produces in one response. */
  maxOutputTokens: z.number().int().positive().optional(),
});

/** `pricing:` model id -> prices; overrides or extends the shipped catalog. */
export const pricingSchema = z.record(z.string().min(1), modelPriceSchema);

export type ModelPriceInput = z.input<typeof modelPriceSchema>;
export type ModelPrice = z.output<typeof modelPriceSchema>;
