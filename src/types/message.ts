import { z } from 'zod';
import { contentPartSchema, textPartSchema } from './content-part.js';
import { reasoningBlockSchema } from './reasoning.js';
import { REQUEST_LIMITS } from './request-limits.js';
import { toolCallSchema } from './tool.js';

const L = REQUEST_LIMITS;
const textContent = z.union([z.string(), z.array(textPartSchema).min(1).max(L.maxContentParts)]);
const nameSchema = z.string().max(L.maxIdentifierLength);

export const systemMessageSchema = z.strictObject({
  role: z.literal('system'),
  content: textContent,
  name: nameSchema.optional(),
});

export const userMessageSchema = z.strictObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(contentPartSchema).min(1).max(L.maxContentParts)]),
  name: nameSchema.optional(),
});

export const assistantMessageSchema = z
  .strictObject({
    role: z.literal('assistant'),
    content: z.union([textContent, z.null()]).optional(),
    name: nameSchema.optional(),
    toolCalls: z.array(toolCallSchema).min(1).max(L.maxToolCalls).optional(),
    /** The reasoning blocks of an earlier answer (`ChatResponse.reasoning`), sent back as they came. */
    reasoning: z.array(reasoningBlockSchema).max(L.maxContentParts).optional(),
  })
  .refine((m) => (m.content !== null && m.content !== undefined) || m.toolCalls !== undefined, {
    message: 'an assistant message needs content or toolCalls',
    path: ['content'],
  });

export const toolMessageSchema = z.strictObject({
  role: z.literal('tool'),
  content: textContent,
  toolCallId: z.string().min(1).max(L.maxIdentifierLength),
  name: nameSchema.optional(),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
]);

export type SystemMessage = z.infer<typeof systemMessageSchema>;
export type UserMessage = z.infer<typeof userMessageSchema>;
export type AssistantMessage = z.infer<typeof assistantMessageSchema>;
export type ToolMessage = z.infer<typeof toolMessageSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type MessageRole = ChatMessage['role'];
