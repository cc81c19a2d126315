import { randomUUID } from 'node:crypto';
import type { FinishReason } from '../types/finish-reason.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import type { Usage } from '../types/usage.js';

/** OpenAI has no `error` finish reason; a response that ended in error stops. */
const finishReason = (reason: FinishReason): Exclude<FinishReason, 'error'> =>
  reason === 'error' ? 'stop' : reason;

export const completionId = (upstreamId: string | undefined): string =>
  upstreamId && upstreamId.startsWith('chatcmpl-')
    ? upstreamId
    : `chatcmpl-${upstreamId || randomUUID().replaceAll('-', '')}`;

export function toOpenAIUsage(usage: Usage): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    ...(usage.cachedPromptTokens
      ? { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }
      : {}),
    ...(usage.reasoningTokens
      ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }
      : {}),
  };
}

/**
 * The model's thinking text as `reasoning_content`, the field compatible servers (vLLM, DeepSeek)
 * use and the AI SDK and LangChain read; clients that do not know it ignore it.
 */
function reasoningContent(response: ChatResponse): { reasoning_content?: string } {
  const text = (response.reasoning ?? [])
    .map((block) => (block.type === 'thinking' ? block.text : ''))
    .join('');
  return text ? { reasoning_content: text } : {};
}

/** A unified response as an OpenAI `chat.completion` object. */
export function toOpenAICompletion(response: ChatResponse): Record<string, unknown> {
  return {
    id: completionId(response.id),
    object: 'chat.completion',
    created: response.created || Math.floor(Date.now() / 1000),
    model: response.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: response.content,
          refusal: null,
          ...reasoningContent(response),
          ...(response.toolCalls?.length ? { tool_calls: response.toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(response.finishReason),
      },
    ],
    usage: toOpenAIUsage(response.usage),
    system_fingerprint: null,
  };
}

export interface ChunkContext {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}

/** One unified stream chunk as the `chat.completion.chunk` payloads OpenAI would send (maybe none). */
export function toOpenAIChunks(
  chunk: StreamChunk,
  context: ChunkContext,
): Record<string, unknown>[] {
  const base = chunkBase(context);
  const choice = (delta: Record<string, unknown>, finish: string | null = null) =>
    choiceChunk(context, delta, finish);
  switch (chunk.type) {
    case 'text-delta':
      return [choice({ content: chunk.delta })];
    case 'reasoning-delta':
      return chunk.delta ? [choice({ reasoning_content: chunk.delta })] : [];
    case 'tool-call-delta':
      return [
        choice({
          tool_calls: [
            {
              index: chunk.index,
              ...(chunk.id ? { id: chunk.id, type: 'function' } : {}),
              function: {
                ...(chunk.name ? { name: chunk.name } : {}),
                arguments: chunk.argumentsDelta ?? '',
              },
            },
          ],
        }),
      ];
    case 'finish':
      return [choice({}, finishReason(chunk.finishReason))];
    case 'usage':
      return context.includeUsage
        ? [{ ...base, choices: [], usage: toOpenAIUsage(chunk.usage) }]
        : [];
    default:
      return [];
  }
}

/** The fields every `chat.completion.chunk` of one stream shares. */
const chunkBase = (context: ChunkContext) => ({
  id: context.id,
  object: 'chat.completion.chunk',
  created: context.created,
  model: context.model,
  system_fingerprint: null,
  ...(context.includeUsage ? { usage: null } : {}),
});

const choiceChunk = (
  context: ChunkContext,
  delta: Record<string, unknown>,
  finish: string | null,
) => ({
  ...chunkBase(context),
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});

/** The first chunk of every OpenAI stream: the assistant role, no content yet. */
export function roleChunk(context: ChunkContext): Record<string, unknown> {
  return choiceChunk(context, { role: 'assistant', content: '' }, null);
}
