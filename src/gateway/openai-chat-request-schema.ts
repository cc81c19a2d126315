import { z } from 'zod';
import { checkRequestBounds, OPENAI_FIELD_NAMES } from '../internal/request-bounds.js';
import { REQUEST_LIMITS } from '../types/request-limits.js';
import { metadataSchema } from '../types/request.js';

const L = REQUEST_LIMITS;
const identifier = z.string().max(L.maxIdentifierLength);

/**
 * An OpenAI Chat Completions request as the gateway accepts it. Unknown fields are refused (as
 * OpenAI does), so a client never believes a parameter took effect when it did not. Sizes are
 * bounded (REQUEST_LIMITS): a body within the byte limit still cannot hold a million messages, a
 * schema nested thousands deep, or a model name of a megabyte.
 */
export const cacheControl = z.strictObject({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});
/** `cache_control` is Anthropic's prompt-caching mark, sent by clients that target Claude. */
const textPart = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl.optional(),
});
const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const filePart = z.strictObject({
  type: z.literal('file'),
  file: z.strictObject({
    file_data: z.string().min(1).optional(),
    file_id: z.string().min(1).optional(),
    filename: z.string().optional(),
  }),
});
const contentPart = z.union([textPart, imagePart, filePart]);

const toolCall = z.strictObject({
  id: identifier.min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: identifier.min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.strictObject({
    role: z.literal('system'),
    content: z.union([z.string(), z.array(textPart).max(L.maxContentParts)]),
    name: identifier.optional(),
  }),
  z.strictObject({
    role: z.literal('developer'),
    content: z.union([z.string(), z.array(textPart).max(L.maxContentParts)]),
    name: identifier.optional(),
  }),
  z.strictObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(contentPart).max(L.maxContentParts)]),
    name: identifier.optional(),
  }),
  z.strictObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(textPart).max(L.maxContentParts), z.null()]).optional(),
    name: identifier.optional(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).max(L.maxToolCalls).optional(),
  }),
  z.strictObject({
    role: z.literal('tool'),
    content: z.union([z.string(), z.array(textPart).max(L.maxContentParts)]),
    tool_call_id: identifier.min(1),
  }),
]);

export const openAIChatRequestSchema = z
  .strictObject({
    model: identifier.min(1).optional(),
    messages: z.array(message).min(1).max(L.maxMessages),
    stream: z.boolean().optional(),
    stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
    temperature: z.number().nullish(),
    top_p: z.number().nullish(),
    top_k: z.number().int().nullish(),
    max_tokens: z.number().int().nullish(),
    max_completion_tokens: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(L.maxStopSequences)]).nullish(),
    seed: z.number().int().nullish(),
    frequency_penalty: z.number().nullish(),
    presence_penalty: z.number().nullish(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
    tools: z
      .array(
        z.strictObject({
          type: z.literal('function'),
          function: z.strictObject({
            name: identifier.min(1),
            description: z.string().optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      )
      .max(L.maxTools)
      .optional(),
    tool_choice: z
      .union([
        z.enum(['auto', 'none', 'required']),
        z.strictObject({
          type: z.literal('function'),
          function: z.strictObject({ name: identifier.min(1) }),
        }),
      ])
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: z
      .union([
        z.strictObject({ type: z.literal('text') }),
        z.strictObject({ type: z.literal('json_object') }),
        z.strictObject({
          type: z.literal('json_schema'),
          json_schema: z.strictObject({
            name: identifier,
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()).optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      ])
      .optional(),
    user: identifier.optional(),
    metadata: metadataSchema.nullish(),
    /** Accepted for compatibility; the gateway never stores completions. */
    store: z.boolean().nullish(),
    logprobs: z.literal(false, { error: 'logprobs are not supported' }).nullish(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
    service_tier: identifier.nullish(),
    prompt_cache_key: identifier.nullish(),
    safety_identifier: identifier.nullish(),
    verbosity: z.enum(['low', 'medium', 'high']).nullish(),
    logit_bias: z
      .record(identifier, z.number())
      .refine((bias) => Object.keys(bias).length <= 300, { message: 'at most 300 entries' })
      .nullish(),
    modalities: z
      .array(z.literal('text', { error: 'only text output is supported' }))
      .max(1)
      .nullish(),
    /** OpenAI fields no provider adapter carries: accepted, never sent, named as dropped (see UNCARRIED_FIELDS). */
    prediction: z.looseObject({ type: z.string() }).nullish(),
    web_search_options: z.looseObject({}).nullish(),
    /** FlexiAI extension: pass-through fields per provider type (see docs/configuration.md). */
    provider_options: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .superRefine((body, ctx) => {
    // Depth, size and owned-field checks on the open-ended parts (iterative: safe on any nesting).
    for (const issue of checkRequestBounds(body, OPENAI_FIELD_NAMES))
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.split('.') });
  });

export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;
export type OpenAITextPart = z.infer<typeof textPart>;

/** OpenAI request fields the gateway accepts but no provider receives: always reported as dropped. */
export const UNCARRIED_FIELDS = ['prediction', 'web_search_options'] as const;
