import { ContentFilterError } from '../../errors/content-filter-error.js';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { cleanUpstreamText, MAX_UPSTREAM_IDENTIFIER } from '../shared/upstream-text.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import type { ProviderChatResult } from '../../types/response.js';
import type { ToolCall } from '../../types/tool.js';
import type { Usage } from '../../types/usage.js';
import { createToolCallId } from './create-tool-call-id.js';
import type {
  GeminiCandidate,
  GeminiPart,
  GeminiPromptFeedback,
  GeminiResponse,
  GeminiUsage,
} from './gemini-wire.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import type { ThoughtSignatureStore } from './thought-signature-store.js';

export interface GeminiResponseContext {
  target: CallTarget;
  secrets: readonly string[];
  requestId: string | undefined;
  /** Epoch ms, for `created` when the response carries no createTime. */
  now: number;
  signatures: ThoughtSignatureStore;
}

/**
 * usageMetadata as unified usage. Gemini counts thinking apart from the answer
 * (thoughtsTokenCount); both are output, so completionTokens includes it, as OpenAI's does.
 */
export function mapGeminiUsage(usage: GeminiUsage | null | undefined): Usage {
  const prompt = (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0);
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  const completion = (usage?.candidatesTokenCount ?? 0) + thoughts;
  const out: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: usage?.totalTokenCount ?? prompt + completion,
  };
  if (usage?.cachedContentTokenCount) out.cachedPromptTokens = usage.cachedContentTokenCount;
  if (thoughts) out.reasoningTokens = thoughts;
  return out;
}

/** A prompt Gemini refused to answer (promptFeedback.blockReason): the caller's to fix, no failover. */
export function promptBlockedError(
  feedback: GeminiPromptFeedback | null | undefined,
  context: Pick<GeminiResponseContext, 'target' | 'secrets' | 'requestId'>,
): ContentFilterError | undefined {
  if (!feedback?.blockReason) return undefined;
  const reason = cleanUpstreamText(feedback.blockReason, context.secrets, MAX_UPSTREAM_IDENTIFIER);
  const detail = feedback.blockReasonMessage
    ? `: ${cleanUpstreamText(feedback.blockReasonMessage, context.secrets)}`
    : '';
  return new ContentFilterError(`prompt blocked by the provider (${reason})${detail}`, {
    ...context.target,
    status: 200,
    upstreamType: 'prompt_blocked',
    upstreamCode: reason,
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
  });
}

/** A function-call part as a unified tool call; its thought signature is remembered by id. */
export function toToolCall(
  part: GeminiPart,
  signatures: ThoughtSignatureStore,
): ToolCall | undefined {
  const call = part.functionCall;
  if (!call) return undefined;
  const id = call.id || createToolCallId();
  if (part.thoughtSignature) signatures.remember(id, part.thoughtSignature);
  return {
    id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
  };
}

/** Answer text of a part: thought summaries are reasoning, not answer. */
export const answerText = (part: GeminiPart): string => (part.thought ? '' : (part.text ?? ''));

/** Gemini's own details worth keeping: raw finish reason, safety ratings, citations, grounding. */
export function candidateMetadata(
  response: GeminiResponse,
  candidate: GeminiCandidate | undefined,
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (candidate?.finishReason) metadata.finishReason = candidate.finishReason;
  if (candidate?.finishMessage) metadata.finishMessage = candidate.finishMessage;
  if (candidate?.safetyRatings?.length) metadata.safetyRatings = candidate.safetyRatings;
  if (candidate?.citationMetadata) metadata.citationMetadata = candidate.citationMetadata;
  if (candidate?.groundingMetadata) metadata.groundingMetadata = candidate.groundingMetadata;
  if (response.promptFeedback?.safetyRatings?.length)
    metadata.promptSafetyRatings = response.promptFeedback.safetyRatings;
  if (response.modelVersion) metadata.modelVersion = response.modelVersion;
  return metadata;
}

const createdOf = (response: GeminiResponse, now: number): number => {
  const time = response.createTime ? Date.parse(response.createTime) : Number.NaN;
  return Math.floor((Number.isNaN(time) ? now : time) / 1000);
};

/** A Gemini response as the unified result (first candidate; candidateCount is always 1). */
export function mapGeminiResponse(
  response: GeminiResponse,
  context: GeminiResponseContext,
): ProviderChatResult {
  const blocked = promptBlockedError(response.promptFeedback, context);
  if (blocked) throw blocked;
  const candidate = response.candidates?.find((c) => (c.index ?? 0) === 0);
  if (!candidate) {
    throw new MalformedResponseError('response has no candidate and no block reason', {
      ...context.target,
      status: 200,
    });
  }
  const parts = candidate.content?.parts ?? [];
  const text = parts.map(answerText).join('');
  const metadata = candidateMetadata(response, candidate);
  const signatures: Record<string, string> = {};
  const toolCalls = parts.flatMap((part) => {
    const toolCall = toToolCall(part, context.signatures);
    if (toolCall && part.thoughtSignature) signatures[toolCall.id] = part.thoughtSignature;
    return toolCall ?? [];
  });
  // For callers that keep history elsewhere: pass these back in providerOptions.<type>.thoughtSignatures.
  if (Object.keys(signatures).length) metadata.thoughtSignatures = signatures;
  return {
    id: response.responseId || `gemini-${createToolCallId().slice(5)}`,
    created: createdOf(response, context.now),
    model: response.modelVersion || context.target.model,
    content: text === '' ? null : text,
    ...(toolCalls.length ? { toolCalls } : {}),
    finishReason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
    usage: mapGeminiUsage(response.usageMetadata),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(Object.keys(metadata).length ? { providerMetadata: metadata } : {}),
  };
}
