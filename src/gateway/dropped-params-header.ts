/** Unified field names as the OpenAI request fields a gateway client sent. */
const WIRE_NAMES: Readonly<Record<string, string>> = {
  topK: 'top_k',
  topP: 'top_p',
  frequencyPenalty: 'frequency_penalty',
  presencePenalty: 'presence_penalty',
  logitBias: 'logit_bias',
  serviceTier: 'service_tier',
  promptCacheKey: 'prompt_cache_key',
  safetyIdentifier: 'safety_identifier',
  reasoning: 'reasoning_effort',
  cacheControl: 'cache_control',
  maxTokens: 'max_tokens',
};

export const DROPPED_PARAMS_HEADER = 'x-flexiai-dropped-params';

/**
 * `x-flexiai-dropped-params: logit_bias, cache_control`: the request fields the serving provider
 * could not honour and did not receive. No header when nothing was dropped.
 */
export function droppedParamsHeader(
  dropped: readonly string[] | undefined,
  rename: Readonly<Record<string, string>> = {},
): Record<string, string> {
  if (!dropped?.length) return {};
  const names = dropped.map((name) => rename[name] ?? WIRE_NAMES[name] ?? name);
  return { [DROPPED_PARAMS_HEADER]: [...new Set(names)].join(', ') };
}
