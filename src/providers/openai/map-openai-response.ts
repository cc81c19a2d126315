import type { ProviderChatResult } from '../../types/response.js';
import type { Usage } from '../../types/usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { OpenAIChatCompletion } from './openai-wire.js';

export function mapOpenAIUsage(usage: OpenAIChatCompletion['usage']): Usage {
  if (!usage) return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const out: Usage = {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached) out.cachedPromptTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning) out.reasoningTokens = reasoning;
  return out;
}

/** An OpenAI chat completion as the unified result (first choice). */
export function mapOpenAIResponse(
  completion: OpenAIChatCompletion,
  requestId: string | undefined,
): ProviderChatResult {
  const choice = completion.choices[0];
  const message = choice?.message;
  const toolCalls = message?.tool_calls?.length
    ? message.tool_calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.function.name, arguments: call.function.arguments },
      }))
    : undefined;
  const metadata: Record<string, unknown> = {};
  if (completion.system_fingerprint) metadata.systemFingerprint = completion.system_fingerprint;
  if (message?.refusal) metadata.refusal = message.refusal;
  return {
    id: completion.id,
    created: completion.created,
    model: completion.model,
    content: message?.content ?? null,
    ...(toolCalls ? { toolCalls } : {}),
    finishReason: mapOpenAIFinishReason(choice?.finish_reason),
    usage: mapOpenAIUsage(completion.usage),
    ...(requestId === undefined ? {} : { requestId }),
    ...(Object.keys(metadata).length ? { providerMetadata: metadata } : {}),
  };
}
