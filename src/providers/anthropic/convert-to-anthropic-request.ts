import type { ToolDefinition } from '../../types/tool.js';
import type { ProviderRequest } from '../provider.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

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

/** The unified request as an Anthropic Messages API body (non-streaming). */
export function convertToAnthropicRequest(
  request: ProviderRequest,
  options: AnthropicRequestOptions,
): ConvertedAnthropicRequest {
  const adjustments: string[] = [];
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const systemParts = system === undefined ? [] : [system];
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    max_tokens: request.maxTokens ?? options.defaultMaxTokens,
  };

  if (acceptsSamplingParams(options.anthropicVersion)) {
    if (request.temperature !== undefined) {
      body.temperature = Math.min(request.temperature, MAX_TEMPERATURE);
      if (request.temperature > MAX_TEMPERATURE) adjustments.push('temperature clamped to 1');
    }
    if (request.topP !== undefined) body.top_p = request.topP;
    if (request.topK !== undefined) body.top_k = request.topK;
  } else {
    for (const field of ['temperature', 'topP', 'topK'] as const) {
      if (request[field] !== undefined) {
        adjustments.push(`${field} dropped (API version ${options.anthropicVersion})`);
      }
    }
  }
  if (request.stop !== undefined) {
    body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  }
  if (request.seed !== undefined) adjustments.push('seed dropped');
  if (request.frequencyPenalty !== undefined) adjustments.push('frequencyPenalty dropped');
  if (request.presencePenalty !== undefined) adjustments.push('presencePenalty dropped');

  if (request.tools !== undefined) {
    body.tools = request.tools.map(convertTool);
    const toolChoice = convertToolChoice(request);
    if (toolChoice) body.tool_choice = toolChoice;
  }

  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    body.output_config = { format: { type: 'json_schema', schema: format.jsonSchema.schema } };
  } else if (format?.type === 'json_object') {
    systemParts.push(JSON_OBJECT_INSTRUCTION);
  }
  if (systemParts.length) body.system = systemParts.join('\n\n');

  if (request.user !== undefined) body.metadata = { user_id: request.user };
  return { body, adjustments };
}
