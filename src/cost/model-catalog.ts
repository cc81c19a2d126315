import type { ModelPrice } from '../config/pricing-config-schema.js';

/** One priced model of the shipped catalog, with where each figure came from and when. */
export interface CatalogEntry {
  model: string;
  vendor: 'openai' | 'anthropic' | 'google';
  price: ModelPrice;
  /** Where the figures were read (the vendor's page, or the page that quoted it). */
  source: string;
  /** When the source was published or last checked (ISO date). */
  asOf: string;
}

const OPENAI_PAGE = 'platform.openai.com/docs/pricing';
const ANTHROPIC_PAGE = 'docs.anthropic.com/en/docs/about-claude/pricing';
const GEMINI_PAGE = 'ai.google.dev/gemini-api/docs/pricing';

/**
 * The shipped model catalog: USD per 1M tokens (standard tier, no batch discount) and context
 * windows. Only figures confirmed from a published source are listed; a component that could not
 * be confirmed is left out, so a usage that needs it prices as unknown (never a guess). Users
 * override or extend any entry with `pricing:` in the configuration.
 *
 * How usage maps to these (see compute-cost.ts): OpenAI's prompt tokens include cached ones
 * (cachedInput applies to those) and reasoning tokens are output; Anthropic's prompt counts cache
 * reads (cachedInput) and 5-minute cache writes (cacheWrite) apart from input, and thinking is
 * output; Gemini's prompt includes cached content (cachedInput) and thoughts are output.
 */
export const MODEL_CATALOG: readonly CatalogEntry[] = [
  // --- OpenAI ---------------------------------------------------------------------------------
  {
    model: 'gpt-5',
    vendor: 'openai',
    price: {
      input: 1.25,
      output: 10,
      cachedInput: 0.125,
      contextWindow: 400_000,
      maxOutputTokens: 128_000,
    },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026; cached input: 90% off for the GPT-5 family, adk-model pricing table, March 2026)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-5-mini',
    vendor: 'openai',
    price: {
      input: 0.25,
      output: 2,
      cachedInput: 0.025,
      contextWindow: 400_000,
      maxOutputTokens: 128_000,
    },
    source: `${OPENAI_PAGE} (as quoted by github/docs data/tables/copilot/models-and-pricing.yml and deploybase.ai)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-5-nano',
    vendor: 'openai',
    price: {
      input: 0.05,
      output: 0.4,
      cachedInput: 0.005,
      contextWindow: 400_000,
      maxOutputTokens: 128_000,
    },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026; cached input: 90% off for the GPT-5 family)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-5.2',
    vendor: 'openai',
    price: { input: 1.75, output: 14, cachedInput: 0.175 },
    source: `${OPENAI_PAGE} (as quoted by github/docs data/tables/copilot/models-and-pricing.yml)`,
    asOf: '2026-06-01',
  },
  {
    model: 'gpt-5.4',
    vendor: 'openai',
    price: { input: 2.5, output: 15, cachedInput: 0.25, maxOutputTokens: 128_000 },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai and the adk-model pricing table, March 2026)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-5.4-mini',
    vendor: 'openai',
    price: { input: 0.75, output: 4.5, cachedInput: 0.075 },
    source: `${OPENAI_PAGE} (as quoted by the adk-model pricing table, March 2026)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-4.1',
    vendor: 'openai',
    price: {
      input: 2,
      output: 8,
      cachedInput: 0.5,
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
    },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026, and github/docs copilot models-and-pricing.yml)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-4.1-mini',
    vendor: 'openai',
    price: {
      input: 0.4,
      output: 1.6,
      cachedInput: 0.1,
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
    },
    source: `${OPENAI_PAGE} (as quoted by tokenmath.io, checked 2026-06-21; cached input: 75% off for the GPT-4.1 family)`,
    asOf: '2026-06-21',
  },
  {
    model: 'gpt-4.1-nano',
    vendor: 'openai',
    price: {
      input: 0.1,
      output: 0.4,
      cachedInput: 0.025,
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
    },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026; cached input: 75% off for the GPT-4.1 family)`,
    asOf: '2026-03-21',
  },
  {
    model: 'gpt-4o',
    vendor: 'openai',
    price: {
      input: 2.5,
      output: 10,
      cachedInput: 1.25,
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
    },
    source: `${OPENAI_PAGE} (as quoted by aimodelcalc.pages.dev, May 2026, and the openai-models price table)`,
    asOf: '2026-05-01',
  },
  {
    model: 'gpt-4o-mini',
    vendor: 'openai',
    price: {
      input: 0.15,
      output: 0.6,
      cachedInput: 0.075,
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
    },
    source: `${OPENAI_PAGE} (as quoted by aimodelcalc.pages.dev, May 2026, and the openai-models price table)`,
    asOf: '2026-05-01',
  },
  {
    model: 'o3',
    vendor: 'openai',
    // Cached input left out: the sources disagree.
    price: { input: 2, output: 8, contextWindow: 200_000, maxOutputTokens: 100_000 },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026)`,
    asOf: '2026-03-21',
  },
  {
    model: 'o3-mini',
    vendor: 'openai',
    price: {
      input: 1.1,
      output: 4.4,
      cachedInput: 0.55,
      contextWindow: 200_000,
      maxOutputTokens: 100_000,
    },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026; cached input: 50% off for o-series)`,
    asOf: '2026-03-21',
  },
  {
    model: 'o4-mini',
    vendor: 'openai',
    // Cached input left out: not confirmed.
    price: { input: 1.1, output: 4.4, contextWindow: 200_000, maxOutputTokens: 100_000 },
    source: `${OPENAI_PAGE} (as quoted by deploybase.ai, March 2026)`,
    asOf: '2026-03-21',
  },
  {
    model: 'text-embedding-3-small',
    vendor: 'openai',
    // Embeddings: input only.
    price: { input: 0.02 },
    source: `${OPENAI_PAGE} (as quoted by tokenmath.io, checked 2026-06-21)`,
    asOf: '2026-06-21',
  },
  // --- Anthropic ------------------------------------------------------------------------------
  ...anthropic(
    ['claude-opus-5', 'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5'],
    {
      input: 5,
      output: 25,
      cacheWrite: 6.25,
      cachedInput: 0.5,
      contextWindow: 200_000,
    },
  ),
  ...anthropic(['claude-opus-4-1', 'claude-opus-4'], {
    input: 15,
    output: 75,
    cacheWrite: 18.75,
    cachedInput: 1.5,
    contextWindow: 200_000,
  }),
  ...anthropic(['claude-sonnet-4-6'], {
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cachedInput: 0.3,
    contextWindow: 200_000,
  }),
  // Long-context prompts (> 200K tokens, 1M-context beta) are priced higher; cache prices at that
  // tier were not confirmed, so a long prompt with cache tokens prices as unknown.
  ...anthropic(['claude-sonnet-4-5', 'claude-sonnet-4'], {
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cachedInput: 0.3,
    contextWindow: 200_000,
    longContext: { thresholdTokens: 200_000, input: 6, output: 22.5 },
  }),
  ...anthropic(['claude-3-7-sonnet'], {
    input: 3,
    output: 15,
    cacheWrite: 3.75,
    cachedInput: 0.3,
    contextWindow: 200_000,
  }),
  ...anthropic(['claude-haiku-4-5'], {
    input: 1,
    output: 5,
    cacheWrite: 1.25,
    cachedInput: 0.1,
    contextWindow: 200_000,
  }),
  ...anthropic(['claude-3-5-haiku'], {
    input: 0.8,
    output: 4,
    cacheWrite: 1,
    cachedInput: 0.08,
    contextWindow: 200_000,
  }),
  ...anthropic(['claude-3-haiku'], {
    input: 0.25,
    output: 1.25,
    cacheWrite: 0.3,
    cachedInput: 0.03,
    contextWindow: 200_000,
  }),
  {
    model: 'claude-sonnet-5',
    vendor: 'anthropic',
    price: { input: 2, output: 10, cacheWrite: 2.5, cachedInput: 0.2 },
    source: `${ANTHROPIC_PAGE} (as quoted by uttamdeb/agent-telemetry v1.6.4 release notes)`,
    asOf: '2026-09-29',
  },
  {
    model: 'claude-sonnet-5-5',
    vendor: 'anthropic',
    price: { input: 2, output: 10, cacheWrite: 2.5, cachedInput: 0.1 },
    source: `${ANTHROPIC_PAGE} (cache reads cut to $0.10 on 2026-10-07, as quoted by TheKrush/PromptFuel v1.0.23 and kurofune/claudit v1.9.2)`,
    asOf: '2026-10-24',
  },
  {
    model: 'claude-haiku-5-5',
    vendor: 'anthropic',
    // Priced by prompt length: over 100K prompt tokens every token of the request, output
    // included, is at the higher rates.
    price: {
      input: 0.1,
      output: 0.5,
      cacheWrite: 0.125,
      cachedInput: 0.01,
      longContext: {
        thresholdTokens: 100_000,
        input: 0.5,
        output: 2.5,
        cacheWrite: 0.625,
        cachedInput: 0.05,
      },
    },
    source: `${ANTHROPIC_PAGE} (as quoted by kurofune/claudit v1.9.2 release notes, checked 2026-10-24)`,
    asOf: '2026-10-24',
  },
  // --- Google Gemini (Gemini API and Vertex AI, standard tier) ---------------------------------
  {
    model: 'gemini-2.5-pro',
    vendor: 'google',
    price: {
      input: 1.25,
      output: 10,
      cachedInput: 0.125,
      contextWindow: 1_048_576,
      longContext: { thresholdTokens: 200_000, input: 2.5, output: 15, cachedInput: 0.25 },
    },
    source: `${GEMINI_PAGE} (as quoted by deploybase.ai, March 2026; cache prices as quoted on discuss.ai.google.dev)`,
    asOf: '2026-03-01',
  },
  {
    model: 'gemini-2.5-flash',
    vendor: 'google',
    // Cached input left out: the published figure changed and could not be confirmed.
    price: { input: 0.3, output: 2.5, contextWindow: 1_048_576 },
    source: `${GEMINI_PAGE} (as quoted by deploybase.ai, March 2026)`,
    asOf: '2026-03-01',
  },
  {
    model: 'gemini-2.5-flash-lite',
    vendor: 'google',
    price: { input: 0.1, output: 0.4, contextWindow: 1_048_576 },
    source: `${GEMINI_PAGE} (as quoted by hivebook.wiki, Gemini 2.5 family)`,
    asOf: '2026-05-01',
  },
];

function anthropic(models: string[], price: ModelPrice): CatalogEntry[] {
  return models.map((model) => ({
    model,
    vendor: 'anthropic',
    price,
    source: ANTHROPIC_PAGE,
    asOf: '2026-10-10',
  }));
}
