/** Token accounting, normalised across providers. Optional fields appear only when the provider reports them. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens served from the provider's prompt cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens). */
  cachedPromptTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic cache_creation_input_tokens). */
  cacheWriteTokens?: number;
  /** Reasoning tokens included in completionTokens (OpenAI reasoning models, Gemini thoughts). */
  reasoningTokens?: number;
}

export const emptyUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
