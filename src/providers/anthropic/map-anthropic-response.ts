import type { ProviderChatResult } from '../../types/response.js';
import type { ReasoningBlock } from '../../types/reasoning.js';
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
 * (their `input` serialised as the JSON arguments text), thinking and redacted thinking blocks
 * as `reasoning` (signature kept, to be sent back). Server-tool blocks are left out.
 */
export function mapAnthropicResponse(
  message: AnthropicMessage,
  context: AnthropicResponseContext,
): ProviderChatResult {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  for (const block of message.content) {
    const thinking = thinkingBlock(block);
    if (thinking) {
      reasoning.push(thinking);
      continue;
    }
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
    ...(reasoning.length ? { reasoning } : {}),
    finishReason: mapAnthropicStopReason(message.stop_reason),
    usage: mapAnthropicUsage(message.usage),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    ...(Object.keys(metadata).length ? { providerMetadata: metadata } : {}),
  };
}

/** A thinking or redacted_thinking block as a reasoning block. */
function thinkingBlock(
  block: { type: string } & Record<string, unknown>,
): ReasoningBlock | undefined {
  if (block.type === 'thinking' && typeof block.thinking === 'string') {
    return {
      type: 'thinking',
      text: block.thinking,
      ...(typeof block.signature === 'string' && block.signature
        ? { signature: block.signature }
        : {}),
    };
  }
  if (block.type === 'redacted_thinking' && typeof block.data === 'string' && block.data)
    return { type: 'redacted-thinking', data: block.data };
  return undefined;
}
