import { z } from 'zod';
import { cacheControl } from './openai-chat-request-schema.js';

/**
 * An OpenAI Responses API request (`POST /v1/responses`) as the gateway accepts it: stateless, so
 * `store` is accepted but nothing is stored, and what needs server-side state is refused with a
 * 400 saying so (see `STATEFUL_FIELDS`). Unknown top-level fields are refused as OpenAI does;
 * input items and parts are loose objects, because clients send earlier output items back as
 * they received them (ids, statuses, annotations, logprobs).
 */
const inputText = z.looseObject({
  type: z.literal('input_text'),
  text: z.string(),
  cache_control: cacheControl.optional(),
});
const inputImage = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().min(1).nullish(),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});
const inputFile = z.looseObject({
  type: z.literal('input_file'),
  file_data: z.string().min(1).nullish(),
  file_id: z.string().min(1).nullish(),
  file_url: z.string().min(1).nullish(),
  filename: z.string().nullish(),
});
const outputText = z.looseObject({ type: z.literal('output_text'), text: z.string() });
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const inputPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile]);
const messagePart = z.discriminatedUnion('type', [
  inputText,
  inputImage,
  inputFile,
  outputText,
  refusal,
]);

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(messagePart).max(1000)]),
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionCallOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(inputPart).max(1000)]),
});
const reasoningItem = z.looseObject({
  type: z.literal('reasoning'),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});
const itemReference = z.looseObject({ type: z.literal('item_reference'), id: z.string() });

export const responsesInputItem = z.union([
  messageItem,
  functionCallItem,
  functionCallOutputItem,
  reasoningItem,
  itemReference,
]);
export type ResponsesInputItem = z.infer<typeof responsesInputItem>;

const functionTool = z.strictObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const textFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: z.string(),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

export const openAIResponsesRequestSchema = z.strictObject({
  model: z.string().min(1).optional(),
  input: z.union([z.string(), z.array(responsesInputItem).min(1).max(10_000)]).optional(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().optional() }).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_output_tokens: z.number().int().nullish(),
  tools: z
    .array(z.looseObject({ type: z.string() }))
    .max(512)
    .nullish(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.strictObject({ type: z.literal('function'), name: z.string().min(1) }),
    ])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z
    .strictObject({
      format: textFormat.nullish(),
      verbosity: z.enum(['low', 'medium', 'high']).nullish(),
    })
    .nullish(),
  reasoning: z
    .strictObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
      generate_summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().optional(),
  safety_identifier: z.string().min(1).nullish(),
  prompt_cache_key: z.string().min(1).nullish(),
  service_tier: z.string().min(1).nullish(),
  /** Accepted; the gateway never stores responses (every response is as if `store: false`). */
  store: z.boolean().nullish(),
  /** Accepted; `reasoning.encrypted_content` is always included when there is reasoning. */
  include: z.array(z.string()).nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  // Need server-side state or features the gateway does not have: refused with a clear 400.
  previous_response_id: z.string().nullish(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullish(),
  prompt: z.unknown().optional(),
  /** FlexiAI extension: pass-through fields per provider type (see docs/configuration.md). */
  provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type OpenAIResponsesRequest = z.infer<typeof openAIResponsesRequestSchema>;
export { functionTool as responsesFunctionTool };
