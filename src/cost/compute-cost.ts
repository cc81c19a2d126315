import type { ModelPrice } from '../config/pricing-config-schema.js';
import type { Usage } from '../types/usage.js';
import { pricePerTokenPico } from './money.js';

/** A usage priced exactly (integer pico-dollars), or why it cannot be. */
export type CostResult = { ok: true; pico: number } | { ok: false; missing: string };

type Rates = Pick<ModelPrice, 'input' | 'output' | 'cachedInput' | 'cacheWrite' | 'reasoning'>;

/**
 * What a usage costs at a model's prices, as the providers bill it. The unified usage counts the
 * same way for every provider type: `promptTokens` includes the tokens read from the prompt cache
 * (`cachedPromptTokens`) and written to it (`cacheWriteTokens`), and `completionTokens` includes
 * reasoning tokens (`reasoningTokens`). So: fresh input at `input`, cache reads at `cachedInput`,
 * cache writes at `cacheWrite`, output at `output`, and reasoning at `reasoning` when the model
 * prices it apart. A prompt longer than `longContext.thresholdTokens` prices every token of the
 * request at the long-context rates. A component the usage needs and the price lacks makes the
 * cost unknown (`missing` names it); it is never priced at some other rate.
 */
export function computeCost(price: ModelPrice, usage: Usage): CostResult {
  const prompt = nonNegative(usage.promptTokens);
  const cached = nonNegative(usage.cachedPromptTokens);
  const written = nonNegative(usage.cacheWriteTokens);
  const completion = nonNegative(usage.completionTokens);
  const reasoning = Math.min(nonNegative(usage.reasoningTokens), completion);
  const long = price.longContext && prompt > price.longContext.thresholdTokens;
  const rates: Rates = long && price.longContext ? price.longContext : price;
  const tier = long ? 'longContext.' : '';

  let pico = 0;
  const add = (tokens: number, rate: number | undefined, name: string): string | undefined => {
    if (tokens === 0) return undefined;
    if (rate === undefined) return `${tier}${name}`;
    pico += tokens * pricePerTokenPico(rate);
    return undefined;
  };
  const fresh = Math.max(0, prompt - cached - written);
  const separateReasoning = rates.reasoning !== undefined;
  const missing =
    add(fresh, rates.input, 'input') ??
    add(cached, rates.cachedInput, 'cachedInput') ??
    add(written, rates.cacheWrite, 'cacheWrite') ??
    add(separateReasoning ? completion - reasoning : completion, rates.output, 'output') ??
    (separateReasoning ? add(reasoning, rates.reasoning, 'reasoning') : undefined);
  return missing ? { ok: false, missing } : { ok: true, pico };
}

const nonNegative = (n: number | undefined): number =>
  n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
