import { z } from 'zod';

/**
 * What we read of the Anthropic Messages API. Loose objects throughout: fields added by newer API
 * versions are kept, never refused. Block and event types we do not know are accepted and skipped
 * by the mappers (thinking, server tools, citations, ...).
 */

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

export const anthropicTextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
});

export const anthropicToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});

/** Any other block (thinking, redacted_thinking, server_tool_use, ...): kept by type only. */
const otherBlockSchema = z.looseObject({ type: z.string() });

export const anthropicContentBlockSchema = z.union([
  anthropicTextBlockSchema,
  anthropicToolUseBlockSchema,
  otherBlockSchema,
]);

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant').optional(),
  model: z.string(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** Anthropic's error envelope: `{ type: 'error', error: { type, message } }`. */
export const anthropicErrorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({
    type: z.string().nullish(),
    message: z.string().nullish(),
  }),
});
export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

// ---- Streaming events (`event: <type>` / `data: {"type": <type>, ...}`) ----

export const messageStartEventSchema = z.looseObject({
  type: z.literal('message_start'),
  message: z.looseObject({
    id: z.string().optional(),
    model: z.string().optional(),
    usage: anthropicUsageSchema.nullish(),
  }),
});

export const contentBlockStartEventSchema = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number(),
  content_block: anthropicContentBlockSchema,
});

export const contentBlockDeltaEventSchema = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number(),
  delta: z.union([
    z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
    z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
    z.looseObject({ type: z.string() }),
  ]),
});

export const messageDeltaEventSchema = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({
    stop_reason: z.string().nullish(),
    stop_sequence: z.string().nullish(),
  }),
  usage: anthropicUsageSchema.nullish(),
});

/** Every event carries its type in the data; the ones we act on are parsed by their own schema. */
export const streamEventTypeSchema = z.looseObject({ type: z.string() });
