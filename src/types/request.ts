import { z } from 'zod';
import { chatMessageSchema } from './message.js';
import { reasoningOptionSchema } from './reasoning.js';
import { REQUEST_LIMITS } from './request-limits.js';
import { toolChoiceSchema, toolDefinitionSchema } from './tool.js';

const L = REQUEST_LIMITS;

/** Metadata as OpenAI bounds it: 16 entries, keys up to 64 characters, values up to 512. */
export const metadataSchema = z
  .record(z.string().max(L.maxMetadataKeyLength), z.string().max(L.maxMetadataValueLength))
  .refine((value) => Object.keys(value).length <= L.maxMetadataEntries, {
    message: `at most ${L.maxMetadataEntries} entries`,
  });

export const responseFormatSchema = z.union([
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    jsonSchema: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().optional(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof responseFormatSchema>;

const abortSignalSchema = z.custom<AbortSignal>((value) => value instanceof AbortSignal, {
  message: 'must be an AbortSignal',
});

/** Pass-through fields merged into one provider type's request body, keyed by provider type. */
export const providerOptionsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));
export type ProviderOptions = z.infer<typeof providerOptionsSchema>;

/** A request's own cache setting (see `ChatRequest.cache`). */
export const requestCacheSchema = z.union([
  z.literal(false),
  z.strictObject({ ttlMs: z.number().int().positive() }),
]);
export type RequestCacheOption = z.infer<typeof requestCacheSchema>;

export const chatRequestSchema = z
  .strictObject({
    messages: z
      .array(chatMessageSchema)
      .min(1, 'must contain at least one message')
      .max(L.maxMessages),
    /** Route name, provider name, `provider/model`, or a configured model id. Absent or `default`: every provider by priority. */
    model: z.string().min(1).max(L.maxIdentifierLength).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().positive().optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().positive().optional(),
    stop: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(L.maxStopSequences)])
      .optional(),
    seed: z.number().int().optional(),
    frequencyPenalty: z.number().min(-2).max(2).optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
    tools: z.array(toolDefinitionSchema).min(1).max(L.maxTools).optional(),
    toolChoice: toolChoiceSchema.optional(),
    parallelToolCalls: z.boolean().optional(),
    responseFormat: responseFormatSchema.optional(),
    user: z.string().max(L.maxIdentifierLength).optional(),
    metadata: metadataSchema.optional(),
    /** Correlation id for logs and the response; generated when absent. */
    correlationId: z.string().min(1).max(200).optional(),
    signal: abortSignalSchema.optional(),
    providerOptions: providerOptionsSchema.optional(),
    /** Thinking effort and/or token budget, mapped per provider (docs/fidelity.md). */
    reasoning: reasoningOptionSchema.optional(),
    /** Token id -> bias (-100..100). OpenAI and compatible servers only. */
    logitBias: z
      .record(z.string().regex(/^\d+$/, 'must be a token id'), z.number().min(-100).max(100))
      .optional(),
    /** OpenAI processing tier (`auto`, `default`, `flex`, `priority`, ...). */
    serviceTier: z.string().min(1).optional(),
    /** OpenAI prompt-cache routing key. */
    promptCacheKey: z.string().min(1).optional(),
    /** OpenAI safety identifier (a hashed end-user id). */
    safetyIdentifier: z.string().min(1).optional(),
    /** OpenAI output verbosity hint. */
    verbosity: z.enum(['low', 'medium', 'high']).optional(),
    /**
     * Refuse (ValidationError, before any call) a request carrying a field that a provider in its
     * route cannot honour, instead of dropping it for that provider and naming it in `droppedParams`.
     */
    strictParams: z.boolean().optional(),
    /**
     * Response cache, when one is configured: `false` skips it (no read, no write); `{ ttlMs }`
     * accepts a stored answer only that fresh and stores this one for that long. Never sent upstream.
     */
    cache: requestCacheSchema.optional(),
  })
  .superRefine((request, ctx) => {
    const toolNames = new Set<string>();
    request.tools?.forEach((tool, i) => {
      if (toolNames.has(tool.function.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate tool name "${tool.function.name}"`,
          path: ['tools', i, 'function', 'name'],
        });
      }
      toolNames.add(tool.function.name);
    });

    const choice = request.toolChoice;
    if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
      if (request.tools === undefined) {
        ctx.addIssue({ code: 'custom', message: 'needs tools', path: ['toolChoice'] });
      } else if (typeof choice === 'object' && !toolNames.has(choice.function.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `names a tool that is not in tools: "${choice.function.name}"`,
          path: ['toolChoice', 'function', 'name'],
        });
      }
    }

    const callIds = new Set<string>();
    request.messages.forEach((message, i) => {
      if (message.role === 'assistant') {
        message.toolCalls?.forEach((call) => callIds.add(call.id));
      } else if (message.role === 'tool' && !callIds.has(message.toolCallId)) {
        ctx.addIssue({
          code: 'custom',
          message: 'answers no tool call of an earlier assistant message',
          path: ['messages', i, 'toolCallId'],
        });
      }
    });
  });

/** What callers pass to `chatCompletion`. */
export type ChatRequest = z.input<typeof chatRequestSchema>;
/** A request after validation. */
export type ParsedChatRequest = z.output<typeof chatRequestSchema>;
