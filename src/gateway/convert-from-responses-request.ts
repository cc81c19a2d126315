import { ValidationError } from '../errors/validation-error.js';
import type { ContentPart, TextPart } from '../types/content-part.js';
import type { AssistantMessage, ChatMessage } from '../types/message.js';
import type { ReasoningBlock } from '../types/reasoning.js';
import type { ChatRequest } from '../types/request.js';
import type { ToolCall, ToolDefinition } from '../types/tool.js';
import { convertFilePart } from './convert-from-openai-request.js';
import { decodeReasoning } from './encrypted-reasoning.js';
import {
  responsesFunctionTool,
  type OpenAIResponsesRequest,
  type ResponsesInputItem,
} from './openai-responses-request-schema.js';

const IMAGE_DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,(.*)$/s;

const refuse = (path: string, message: string): never => {
  throw new ValidationError([{ path, message }]);
};

/** What needs server-side state: a clear 400 before anything else. */
function refuseStateful(body: OpenAIResponsesRequest): void {
  const stateless = 'the FlexiAI gateway is stateless (every response is as if store: false)';
  if (body.previous_response_id)
    refuse(
      'previous_response_id',
      `is not supported: ${stateless}; send the whole conversation in input`,
    );
  if (body.conversation !== undefined && body.conversation !== null)
    refuse('conversation', `is not supported: ${stateless}; send the whole conversation in input`);
  if (body.background) refuse('background', `background mode is not supported: ${stateless}`);
  if (body.prompt !== undefined && body.prompt !== null)
    refuse('prompt', `stored prompt templates are not supported: ${stateless}`);
}

type Part = Extract<ResponsesInputItem, { role: string }>['content'] extends infer C
  ? C extends readonly (infer P)[]
    ? P
    : never
  : never;

function convertPart(part: Part, path: string): ContentPart | undefined {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return {
        type: 'text',
        text: part.text,
        ...('cache_control' in part && part.cache_control
          ? { cacheControl: { ...part.cache_control } }
          : {}),
      } as TextPart;
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image': {
      const url = part.image_url ?? undefined;
      if (!url)
        return refuse(`${path}.image_url`, 'an image needs image_url (file ids are not supported)');
      const detail = part.detail ? { detail: part.detail } : {};
      const data = IMAGE_DATA_URL.exec(url);
      if (data)
        return {
          type: 'image',
          data: data[2] as string,
          mediaType: data[1] as 'image/png',
          ...detail,
        };
      return { type: 'image', url, ...detail };
    }
    case 'input_file':
      if (part.file_url)
        return refuse(`${path}.file_url`, 'file URLs are not supported; send file_data');
      return convertFilePart(
        {
          file_data: part.file_data ?? undefined,
          file_id: part.file_id ?? undefined,
          filename: part.filename ?? undefined,
        },
        path,
      );
  }
}

const onlyText = (parts: ContentPart[], path: string): TextPart[] =>
  parts.map((part, j) =>
    part.type === 'text' ? part : refuse(`${path}.${j}`, 'only text is allowed here'),
  );

function convertContent(content: string | Part[], path: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  return content.flatMap((part, j) => convertPart(part, `${path}.${j}`) ?? []);
}

/** The Responses `input` (and `instructions`) as unified messages. */
function convertInput(body: OpenAIResponsesRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (body.instructions) messages.push({ role: 'system', content: body.instructions });
  const input = body.input ?? refuse('input', 'is required');
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  let reasoning: ReasoningBlock[] = [];
  // An assistant turn being assembled from consecutive items (message, function calls).
  let turn: AssistantMessage | undefined;
  const closeTurn = () => {
    if (turn) messages.push(turn);
    turn = undefined;
  };
  const openTurn = (): AssistantMessage => {
    if (!turn) {
      turn = { role: 'assistant', content: null };
      if (reasoning.length) turn.reasoning = reasoning;
      reasoning = [];
    }
    return turn;
  };
  input.forEach((item, i) => {
    const path = `input.${i}`;
    if (item.type === 'item_reference') {
      refuse(
        path,
        'item references need stored items: the FlexiAI gateway is stateless; send the item itself',
      );
    } else if (item.type === 'reasoning') {
      closeTurn();
      reasoning.push(...(decodeReasoning(item.encrypted_content) ?? []));
    } else if (item.type === 'function_call') {
      const current = openTurn();
      const call: ToolCall = {
        id: item.call_id,
        type: 'function',
        function: { name: item.name, arguments: item.arguments },
      };
      current.toolCalls = [...(current.toolCalls ?? []), call];
    } else if (item.type === 'function_call_output') {
      closeTurn();
      const output =
        typeof item.output === 'string'
          ? item.output
          : onlyText(
              convertContent(item.output, `${path}.output`) as ContentPart[],
              `${path}.output`,
            );
      messages.push({ role: 'tool', toolCallId: item.call_id, content: output });
    } else if (item.role === 'assistant') {
      const content = convertContent(item.content, `${path}.content`);
      const text = typeof content === 'string' ? content : onlyText(content, `${path}.content`);
      if (turn?.toolCalls) closeTurn();
      const current = openTurn();
      current.content = text;
    } else {
      closeTurn();
      const content = convertContent(item.content, `${path}.content`);
      if (item.role === 'user') messages.push({ role: 'user', content });
      else
        messages.push({
          role: 'system',
          content: typeof content === 'string' ? content : onlyText(content, `${path}.content`),
        });
    }
  });
  closeTurn();
  return messages;
}

function convertTools(tools: NonNullable<OpenAIResponsesRequest['tools']>): ToolDefinition[] {
  return tools.map((tool, i) => {
    const parsed = responsesFunctionTool.safeParse(tool);
    if (!parsed.success) {
      return refuse(
        `tools.${i}`,
        tool.type === 'function'
          ? 'is not a valid function tool (name, description, parameters, strict)'
          : `tool type "${tool.type}" is not supported: the gateway takes function tools only`,
      );
    }
    const { name, description, parameters, strict } = parsed.data;
    return {
      type: 'function',
      function: {
        name,
        ...(description == null ? {} : { description }),
        ...(parameters == null ? {} : { parameters }),
        ...(strict == null ? {} : { strict }),
      },
    };
  });
}

/** A Responses request body as the unified request (validated again by the client). */
export function convertFromResponsesRequest(body: OpenAIResponsesRequest): ChatRequest {
  refuseStateful(body);
  const request: ChatRequest = { messages: convertInput(body) };
  if (body.model !== undefined) request.model = body.model;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.max_output_tokens != null) request.maxTokens = body.max_output_tokens;
  if (body.tools?.length) request.tools = convertTools(body.tools);
  if (body.tool_choice != null) {
    const choice = body.tool_choice;
    request.toolChoice =
      typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  }
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  const format = body.text?.format;
  if (format) {
    request.responseFormat =
      format.type === 'json_schema'
        ? {
            type: 'json_schema',
            jsonSchema: {
              name: format.name,
              schema: format.schema,
              ...(format.description == null ? {} : { description: format.description }),
              ...(format.strict == null ? {} : { strict: format.strict }),
            },
          }
        : { type: format.type };
  }
  if (body.text?.verbosity != null) request.verbosity = body.text.verbosity;
  if (body.reasoning?.effort != null) request.reasoning = { effort: body.reasoning.effort };
  if (body.user !== undefined) request.user = body.user;
  if (body.metadata) request.metadata = body.metadata;
  if (body.safety_identifier != null) request.safetyIdentifier = body.safety_identifier;
  if (body.prompt_cache_key != null) request.promptCacheKey = body.prompt_cache_key;
  if (body.service_tier != null) request.serviceTier = body.service_tier;
  if (body.provider_options) request.providerOptions = body.provider_options;
  return request;
}
