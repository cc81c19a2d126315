import { z } from 'zod';

/** Why the model stopped, normalised across providers. */
export const finishReasonSchema = z.enum([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'error',
]);
export type FinishReason = z.infer<typeof finishReasonSchema>;
