import type { ContentPart } from '../../types/content-part.js';
import type { ChatMessage } from '../../types/message.js';
import type { ResponseFormat } from '../../types/request.js';
import { effortOfBudget } from '../../types/reasoning.js';
import type { ToolChoice } from '../../types/tool.js';
import type { ProviderRequest } from '../provider.js';
import { honours } from '../shared/capabilities.js';

export interface OpenAIRequestOptions {
  /** `max_completion_tokens` for OpenAI itself (required by reasoning models); `max_tokens` for compatible servers. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Compatible servers such as vLLM accept `top_k`; OpenAI rejects it. */
  sendTopK: boolean;
  /** The provider type (`openai`, `openai-compatible`): decides which optional fields are sent. */
  providerType: string;
}

type WireContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'file'; file: { file_id: string } | { filename: string; file_data: string } };

const convertPart = (part: ContentPart): WireContentPart => {
  // cacheControl is Anthropic's: OpenAI caches prompt prefixes on its own (reported as dropped).
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'file') {
    if ('fileId' in part) return { type: 'file', file: { file_id: part.fileId } };
    return {
      type: 'file',
      file: {
        filename: part.filename ?? 'document.pdf',
        file_data: `data:${part.mediaType};base64,${part.data}`,
      },
    };
  }
  const url = 'url' in part ? part.url : `data:${part.mediaType};base64,${part.data}`;
  return { type: 'image_url', image_url: part.detail ? { url, detail: part.detail } : { url } };
};

const convertContent = (content: string | ContentPart[]): string | WireContentPart[] =>
  typeof content === 'string' ? content : content.map(convertPart);

function convertMessage(message: ChatMessage): Record<string, unknown> {
  const name = message.name === undefined ? {} : { name: message.name };
  switch (message.role) {
    case 'system':
      return { role: 'system', content: convertContent(message.content), ...name };
    case 'user':
      return { role: 'user', content: convertContent(message.content), ...name };
    case 'assistant':
      return {
        role: 'assistant',
        content:
          message.content === undefined || message.content === null
            ? null
            : convertContent(message.content),
        ...name,
        ...(message.toolCalls
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: call.function.arguments },
              })),
            }
          : {}),
      };
    case 'tool':
      return {
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: convertContent(message.content),
      };
  }
}

const convertToolChoice = (choice: ToolChoice): unknown =>
  typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.function.name } };

function convertResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, description, schema, strict } = format.jsonSchema;
  return {
    type: 'json_schema',
    json_schema: {
      name,
      schema,
      ...(description === undefined ? {} : { description }),
      ...(strict === undefined ? {} : { strict }),
    },
  };
}

/** The unified request as an OpenAI Chat Completions body (non-streaming). */
export function convertToOpenAIRequest(
  request: ProviderRequest,
  options: OpenAIRequestOptions,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: request.messages.map(convertMessage),
  };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body[options.maxTokensField] = request.maxTokens;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined && options.sendTopK) body.top_k = request.topK;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.tools !== undefined) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.function.name,
        ...(tool.function.description === undefined
          ? {}
          : { description: tool.function.description }),
        ...(tool.function.parameters === undefined ? {} : { parameters: tool.function.parameters }),
        ...(tool.function.strict === undefined ? {} : { strict: tool.function.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = convertToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat !== undefined)
    body.response_format = convertResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = request.user;
  const type = options.providerType;
  if (request.reasoning !== undefined) {
    const { effort, budgetTokens } = request.reasoning;
    body.reasoning_effort = effort ?? effortOfBudget(budgetTokens ?? 0);
  }
  if (request.logitBias !== undefined && honours(type, 'logitBias'))
    body.logit_bias = request.logitBias;
  if (request.serviceTier !== undefined && honours(type, 'serviceTier'))
    body.service_tier = request.serviceTier;
  if (request.promptCacheKey !== undefined && honours(type, 'promptCacheKey'))
    body.prompt_cache_key = request.promptCacheKey;
  if (request.safetyIdentifier !== undefined && honours(type, 'safetyIdentifier'))
    body.safety_identifier = request.safetyIdentifier;
  if (request.verbosity !== undefined && honours(type, 'verbosity'))
    body.verbosity = request.verbosity;
  return body;
}
