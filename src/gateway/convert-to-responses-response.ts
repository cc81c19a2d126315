import { randomUUID } from 'node:crypto';
import type { ReasoningBlock } from '../types/reasoning.js';
import type { ChatResponse } from '../types/response.js';
import type { ToolCall } from '../types/tool.js';
import type { Usage } from '../types/usage.js';
import { encodeReasoning } from './encrypted-reasoning.js';
import type { OpenAIResponsesRequest } from './openai-responses-request-schema.js';

const hex = () => randomUUID().replaceAll('-', '');
export const responseId = (): string => `resp_${hex()}`;
export const itemId = (prefix: 'msg' | 'fc' | 'rs'): string => `${prefix}_${hex()}`;

export function toResponsesUsage(usage: Usage): Record<string, unknown> {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedPromptTokens ?? 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens,
  };
}

/** The fields of a Response object that echo the request, shared by every event of a stream. */
export function responseShell(
  id: string,
  createdAt: number,
  body: OpenAIResponsesRequest,
  model: string,
): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? {},
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
    service_tier: body.service_tier ?? 'default',
    store: false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? null,
    truncation: body.truncation ?? 'disabled',
    usage: null,
    user: body.user ?? null,
  };
}

export const reasoningItem = (id: string, blocks: readonly ReasoningBlock[]) => ({
  type: 'reasoning',
  id,
  summary: blocks
    .filter((b) => b.type === 'thinking' && b.text !== '')
    .map((b) => ({ type: 'summary_text', text: b.type === 'thinking' ? b.text : '' })),
  encrypted_content: encodeReasoning(blocks),
});

export const outputTextPart = (text: string) => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
});

export const messageItem = (id: string, text: string, status: 'completed' | 'in_progress') => ({
  type: 'message',
  id,
  status,
  role: 'assistant',
  content: status === 'completed' ? [outputTextPart(text)] : [],
});

export const functionCallItem = (
  id: string,
  call: Pick<ToolCall, 'id'> & { function: ToolCall['function'] },
  status: 'completed' | 'in_progress',
) => ({
  type: 'function_call',
  id,
  call_id: call.id,
  name: call.function.name,
  arguments: call.function.arguments,
  status,
});

/** How a finished response ends: `incomplete` when it hit the token limit or a content filter. */
export function finalStatus(finishReason: ChatResponse['finishReason']): {
  status: 'completed' | 'incomplete';
  incomplete_details: { reason: string } | null;
} {
  if (finishReason === 'length')
    return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** A unified response as an OpenAI Response object. */
export function toResponsesResponse(
  response: ChatResponse,
  body: OpenAIResponsesRequest,
): Record<string, unknown> {
  const output: Record<string, unknown>[] = [];
  if (response.reasoning?.length) output.push(reasoningItem(itemId('rs'), response.reasoning));
  if (response.content) output.push(messageItem(itemId('msg'), response.content, 'completed'));
  for (const call of response.toolCalls ?? [])
    output.push(functionCallItem(itemId('fc'), call, 'completed'));
  return {
    ...responseShell(
      responseId(),
      response.created || Math.floor(Date.now() / 1000),
      body,
      response.model,
    ),
    ...finalStatus(response.finishReason),
    output,
    usage: toResponsesUsage(response.usage),
  };
}
