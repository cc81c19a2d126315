import type { Usage } from '../../types/usage.js';
import type { AnthropicUsage } from './anthropic-wire.js';

/**
 * Anthropic usage to the unified one. Anthropic's `input_tokens` leaves out the tokens read from
 * and written to the prompt cache; `promptTokens` counts all three (as OpenAI's prompt_tokens
 * counts cached tokens), with the cache parts also reported on their own.
 */
export function mapAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const input = usage?.input_tokens ?? 0;
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const completionTokens = usage?.output_tokens ?? 0;
  const promptTokens = input + cacheRead + cacheWrite;
  const out: Usage = {
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
  };
  if (cacheRead) out.cachedPromptTokens = cacheRead;
  if (cacheWrite) out.cacheWriteTokens = cacheWrite;
  const thinking = usage?.output_tokens_details?.thinking_tokens;
  if (thinking) out.reasoningTokens = thinking;
  return out;
}

/** Stream usage: message_delta totals overwrite message_start's field by field, when present. */
export function mergeAnthropicUsage(
  base: AnthropicUsage | undefined,
  update: AnthropicUsage | null | undefined,
): AnthropicUsage | undefined {
  if (!update) return base;
  const merged: AnthropicUsage = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
