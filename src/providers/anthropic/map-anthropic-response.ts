import type { ProviderChatResult } from '../../types/response.js';
import type { ToolCall } from '../../types/tool.js';
import {
  anthropicTextBlockSchema,
  anthropicToolUseBlockSchema,
  type AnthropicMessage,
} from './anthropic-wire.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

export interface AnthropicResponseContext {
  requestId: string | undefined;
  /** Unix seconds: Anthropic messages carry no creation time. */
  created: number;
}

/**
 * An Anthropic message as the unified result: text blocks joined, `tool_use` blocks as tool calls
 * (their `input` serialised as the JSON arguments text). Thinking and server-tool blocks are not
 * part of the unified result and are left out.
 */
export function mapAnthropicResponse(
  message: AnthropicMessage,
  context: AnthropicResponseContext,
): ProviderChatResult {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    const text = anthropicTextBlockSchema.safeParse(block);
    if (text.success) {
      texts.push(text.data.text);
      continue;
    }
    const toolUse = anthropicToolUseBlockSchema.safeParse(block);
    if (toolUse.success) {
      toolCalls.push({
        id: toolUse.data.id,
        type: 'function',
        function: { name: toolUse.data.name, arguments: JSON.stringify(toolUse.data.input ?? {}) },
      });
    }
  }
  const metadata: Record<string, unknown> = {};
  if (message.stop_reason) metadata.stopReason = message.stop_reason;
  if (message.stop_sequence) metadata.stopSequence = message.stop_sequence;
  return {
    id: message.id,
    created: context.created,
    model: message.model,
    content: texts.length ? texts.join('') : null,
    ...(toolCalls.length ? { toolCalls } : {}),
    finishReason: mapAnthropicStopReason(message.stop_reason),
    usage: mapAnthropicUsage(message.usage),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(Object.keys(metadata).length ? { providerMetadata: metadata } : {}),
  };
}
