import type { ProviderOptions } from '../../types/request.js';
import { mergeProviderOptions, providerOptionsFor } from '../shared/merge-provider-options.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The options given for this provider: `providerOptions[<type>]`, then `providerOptions[<name>]`. */
const optionsFor = (
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): Record<string, unknown>[] =>
  providerOptionsFor(providerOptions, type, name).map((g) => g.options);

/**
 * Thought signatures the caller kept from earlier answers, by tool-call id:
 * `providerOptions.gemini.thoughtSignatures = { call_abc: '<signature>' }`.
 */
export function thoughtSignaturesFrom(
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const options of optionsFor(providerOptions, type, name)) {
    const given = options.thoughtSignatures;
    if (!isRecord(given)) continue;
    for (const [id, signature] of Object.entries(given))
      if (typeof signature === 'string') out.set(id, signature);
  }
  return out;
}

/**
 * Merges pass-through options over a Gemini body: top-level keys replace the converted ones
 * (safetySettings, cachedContent, labels, ...), except `generationConfig`, merged field by field
 * so `{ generationConfig: { thinkingConfig: {...} } }` keeps the converted temperature and limits.
 * `thoughtSignatures` is ours and never sent.
 */
export function mergeGeminiProviderOptions(
  body: Record<string, unknown>,
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): Record<string, unknown> {
  const given = optionsFor(providerOptions, type, name);
  if (!given.length) return body;
  const merged = mergeProviderOptions(body, providerOptions, type, name);
  delete merged.thoughtSignatures;
  const configs = [body.generationConfig, ...given.map((o) => o.generationConfig)].filter(isRecord);
  if (configs.length) merged.generationConfig = Object.assign({}, ...configs);
  return merged;
}
