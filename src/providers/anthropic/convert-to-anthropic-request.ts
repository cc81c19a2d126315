import { EFFORT_BUDGET_TOKENS } from '../../types/reasoning.js';
import type { ToolDefinition } from '../../types/tool.js';
import type { ProviderRequest } from '../provider.js';
import { droppedParamsFor } from '../shared/capabilities.js';
import {
  convertToAnthropicMessages,
  type AnthropicMessageParam,
  type AnthropicTextBlock,
} from './convert-to-anthropic-messages.js';

export interface AnthropicRequestOptions {
  /** Sent as `max_tokens` when the request sets none (Anthropic requires it). */
  defaultMaxTokens: number;
  /** The `anthropic-version` header sent: 2026-10-21 and later refuse temperature, top_p and top_k. */
  anthropicVersion: string;
}

/** The first API version that removed temperature, top_p and top_k (a request with any is a 400). */
export const SAMPLING_REMOVED_IN_VERSION = '2026-10-21';

/** Whether this API version still takes temperature, top_p and top_k (versions are ISO dates). */
export const acceptsSamplingParams = (anthropicVersion: string): boolean =>
  anthropicVersion < SAMPLING_REMOVED_IN_VERSION;

export interface ConvertedAnthropicRequest {
  body: Record<string, unknown>;
  /** Unified fields Anthropic cannot express and that were dropped or adjusted, for a debug log line. */
  adjustments: string[];
  /** Request fields not sent (unified names), for `droppedParams`. */
  droppedParams: string[];
}

/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * The thinking budget for this request, or why thinking cannot be on: `budget_tokens` must be at
 * least 1024 and below `max_tokens`, and thinking cannot be combined with a forced tool choice.
 */
function thinkingBudget(
  request: ProviderRequest,
  maxTokens: number | undefined,
): number | 'off' | 'drop' {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return 'off';
  if (reasoning.effort === 'none' || reasoning.budgetTokens === 0) return 'off';
  const choice = request.toolChoice;
  if (choice === 'required' || typeof choice === 'object') return 'drop';
  const wanted = Math.max(
    MIN_THINKING_BUDGET,
    reasoning.budgetTokens ?? EFFORT_BUDGET_TOKENS[reasoning.effort ?? 'medium'],
  );
  if (maxTokens === undefined) return wanted;
  const budget = Math.min(wanted, maxTokens - 1);
  return budget < MIN_THINKING_BUDGET ? 'drop' : budget;
}

/** Added to `system` for `responseFormat: json_object`: Anthropic has no schemaless JSON mode. */
export const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose before or after it, no Markdown code fences.';

/** Anthropic's temperature range is 0..1; the unified one is 0..2. */
const MAX_TEMPERATURE = 1;

function convertTool(tool: ToolDefinition): Record<string, unknown> {
  const { name, description, parameters, strict } = tool.function;
  return {
    name,
    ...(description === undefined ? {} : { description }),
    // Anthropic requires an object schema; OpenAI-style `{}` or a schema without `type` gets one.
    input_schema: { type: 'object', ...(parameters ?? { properties: {} }) },
    ...(strict === undefined ? {} : { strict }),
  };
}

function convertToolChoice(request: ProviderRequest): Record<string, unknown> | undefined {
  const choice = request.toolChoice;
  if (choice === 'none') return { type: 'none' };
  const base =
    choice === undefined || choice === 'auto'
      ? { type: 'auto' }
      : choice === 'required'
        ? { type: 'any' }
        : { type: 'tool', name: choice.function.name };
  if (request.parallelToolCalls === false) return { ...base, disable_parallel_tool_use: true };
  return choice === undefined ? undefined : base;
}

/** Whether the conversation's last assistant turn used a tool without a leading thinking block. */
function continuesUnthoughtToolUse(messages: readonly AnthropicMessageParam[]): boolean {
  const last = messages.findLast((m) => m.role === 'assistant');
  if (!last || typeof last.content === 'string') return false;
  if (!last.content.some((block) => block.type === 'tool_use')) return false;
  const first = last.content[0]?.type;
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** The unified request as an Anthropic Messages API body (non-streaming). */
export function convertToAnthropicRequest(
  request: ProviderRequest,
  options: AnthropicRequestOptions,
): ConvertedAnthropicRequest {
  const adjustments: string[] = [];
  const droppedParams: string[] = droppedParamsFor('anthropic', request);
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const systemParts: AnthropicTextBlock[] =
    system === undefined
      ? []
      : typeof system === 'string'
        ? [{ type: 'text', text: system }]
        : system;
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
  };

  const wanted = thinkingBudget(request, request.maxTokens);
  // With thinking on, Anthropic refuses a tool-use turn whose assistant message does not start with
  // its thinking block (e.g. the turn came from another provider): thinking is dropped instead.
  const budget =
    typeof wanted === 'number' && continuesUnthoughtToolUse(messages) ? 'drop' : wanted;
  const thinking = typeof budget === 'number';
  if (typeof budget === 'number') {
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // The budget comes out of max_tokens: without a caller limit, room is made for both.
    if (request.maxTokens === undefined) body.max_tokens = options.defaultMaxTokens + budget;
  } else if (budget === 'drop') {
    droppedParams.push('reasoning');
  }

  if (thinking) {
    // Extended thinking takes no temperature or top_k, and top_p only from 0.95 up.
    for (const field of ['temperature', 'topK'] as const)
      if (request[field] !== undefined) droppedParams.push(field);
    if (request.topP !== undefined) {
      if (request.topP >= 0.95) body.top_p = request.topP;
      else droppedParams.push('topP');
    }
  } else if (acceptsSamplingParams(options.anthropicVersion)) {
    if (request.temperature !== undefined) {
      body.temperature = Math.min(request.temperature, MAX_TEMPERATURE);
      if (request.temperature > MAX_TEMPERATURE) adjustments.push('temperature clamped to 1');
    }
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.topK !== undefined) body.top_k = request.topK;
  } else {
    for (const field of ['temperature', 'topP', 'topK'] as const) {
      if (request[field] !== undefined) {
        droppedParams.push(field);
        adjustments.push(`${field} dropped (API version ${options.anthropicVersion})`);
      }
    }
  }
  if (request.stop !== undefined) {
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  }

  if (request.tools !== undefined) {
    body.tools = request.tools.map(convertTool);
    const toolChoice = convertToolChoice(request);
    if (toolChoice) body.tool_choice = toolChoice;
  }

  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: format.jsonSchema.schema } };
  } else if (format?.type === 'json_object') {
    systemParts.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION });
  }
  if (systemParts.some((part) => part.cache_control)) body.system = systemParts;
  else if (systemParts.length) body.system = systemParts.map((part) => part.text).join('\n\n');

  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return { body, adjustments, droppedParams };
}
