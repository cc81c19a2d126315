import type { ContentPart, TextPart } from '../types/content-part.js';
import type { ChatMessage } from '../types/message.js';
import { ValidationError } from '../errors/validation-error.js';
import type { ChatRequest } from '../types/request.js';
import type { OpenAIChatRequest, OpenAITextPart } from './openai-chat-request-schema.js';

type WireTextPart = OpenAITextPart;
type WirePart = Exclude<
  Extract<OpenAIChatRequest['messages'][number], { role: 'user' }>['content'],
  string
>[number];

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s;
const FILE_DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

const textPart = (part: WireTextPart): TextPart => ({
  type: 'text',
  text: part.text,
  ...(part.cache_control ? { cacheControl: { ...part.cache_control } } : {}),
});

/** An OpenAI `file` part: `file_data` as a base64 data URL, or `file_id`. */
export function convertFilePart(
  file: {
    file_data?: string | undefined;
    file_id?: string | undefined;
    filename?: string | undefined;
  },
  path: string,
): ContentPart {
  const filename = file.filename ? { filename: file.filename } : {};
  if ((file.file_data === undefined) === (file.file_id === undefined)) {
    throw new ValidationError([{ path, message: 'needs exactly one of file_data and file_id' }]);
  }
  if (file.file_id !== undefined) return { type: 'file', fileId: file.file_id, ...filename };
  const data = FILE_DATA_URL.exec(file.file_data ?? '');
  if (!data) {
    throw new ValidationError([
      {
        path: `${path}.file_data`,
        message: 'must be a base64 data URL: data:application/pdf;base64,...',
      },
    ]);
  }
  if (data[1] !== 'application/pdf') {
    throw new ValidationError([
      {
        path: `${path}.file_data`,
        message: `only application/pdf files are supported, not ${data[1]}`,
      },
    ]);
  }
  return { type: 'file', mediaType: 'application/pdf', data: data[2] as string, ...filename };
}

function convertPart(part: WirePart, path: string): ContentPart {
  if (part.type === 'text') return textPart(part);
  if (part.type === 'file') return convertFilePart(part.file, `${path}.file`);
  const { url, detail } = part.image_url;
  const data = DATA_URL.exec(url);
  const extra = detail ? { detail } : {};
  if (data) {
    return { type: 'image', data: data[2] as string, mediaType: data[1] as 'image/png', ...extra };
  }
  return { type: 'image', url, ...extra };
}

const texts = (content: string | WireTextPart[]): string | TextPart[] =>
  typeof content === 'string' ? content : content.map(textPart);

function convertMessage(message: OpenAIChatRequest['messages'][number], i: number): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return {
        role: 'system',
        content: texts(message.content),
        ...(message.name ? { name: message.name } : {}),
      };
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part, j) => convertPart(part, `messages.${i}.content.${j}`)),
        ...(message.name ? { name: message.name } : {}),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content:
          message.content === undefined || message.content === null ? null : texts(message.content),
        ...(message.name ? { name: message.name } : {}),
        ...(message.tool_calls?.length ? { toolCalls: message.tool_calls } : {}),
      };
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: texts(message.content) };
  }
}

/** An OpenAI request body as the unified request (validated again by the client). */
export function convertFromOpenAIRequest(body: OpenAIChatRequest): ChatRequest {
  const request: ChatRequest = {
    messages: body.messages.map((message, i) => convertMessage(message, i)),
  };
  if (body.model !== undefined) request.model = body.model;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.top_k != null) request.topK = body.top_k;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  if (body.stop != null) request.stop = body.stop;
  if (body.seed != null) request.seed = body.seed;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.tools) {
    request.tools = body.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.function.name,
        ...(tool.function.description === undefined
          ? {}
          : { description: tool.function.description }),
        ...(tool.function.parameters === undefined ? {} : { parameters: tool.function.parameters }),
        ...(tool.function.strict == null ? {} : { strict: tool.function.strict }),
      },
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = body.tool_choice;
  if (body.parallel_tool_calls !== undefined) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format) {
    const format = body.response_format;
    request.responseFormat =
      format.type === 'json_schema'
        ? {
            type: 'json_schema',
            jsonSchema: {
              name: format.json_schema.name,
              schema: format.json_schema.schema ?? {},
              ...(format.json_schema.description === undefined
                ? {}
                : { description: format.json_schema.description }),
              ...(format.json_schema.strict == null ? {} : { strict: format.json_schema.strict }),
            },
          }
        : { type: format.type };
  }
  if (body.user !== undefined) request.user = body.user;
  if (body.metadata) request.metadata = body.metadata;
  if (body.provider_options) request.providerOptions = body.provider_options;
  if (body.reasoning_effort != null) request.reasoning = { effort: body.reasoning_effort };
  if (body.logit_bias != null) request.logitBias = body.logit_bias;
  if (body.service_tier != null) request.serviceTier = body.service_tier;
  if (body.prompt_cache_key != null) request.promptCacheKey = body.prompt_cache_key;
  if (body.safety_identifier != null) request.safetyIdentifier = body.safety_identifier;
  if (body.verbosity != null) request.verbosity = body.verbosity;
  return request;
}
