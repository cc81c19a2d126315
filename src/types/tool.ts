import { z } from 'zod';
import { REQUEST_LIMITS } from './request-limits.js';

/** Function names accepted by every supported provider. */
export const toolNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters of letters, digits, _ . -');

export const toolDefinitionSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: toolNameSchema,
    description: z.string().optional(),
    /** JSON Schema of the arguments object. */
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
  }),
});
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const toolCallSchema = z.strictObject({
  id: z.string().min(1).max(REQUEST_LIMITS.maxIdentifierLength),
  type: z.literal('function'),
  function: z.strictObject({
    name: toolNameSchema,
    /** The arguments as a JSON text, exactly as the model produced them. */
    arguments: z.string(),
  }),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({
    type: z.literal('function'),
    function: z.strictObject({ name: toolNameSchema }),
  }),
]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
