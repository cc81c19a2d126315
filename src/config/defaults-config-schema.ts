import { z } from 'zod';

/** Request settings applied when a request does not set them (see `defaultsMiddleware`). */
export const requestDefaultsSchema = z.strictObject({
  /** A system message put first when the request has none. */
  system: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  seed: z.number().int().optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
});
export type RequestDefaults = z.output<typeof requestDefaultsSchema>;

/** `defaults`: for every request, with per-route settings on top (`routes.<route>`). */
export const defaultsConfigSchema = requestDefaultsSchema.extend({
  routes: z.record(z.string().min(1), requestDefaultsSchema).default({}),
});
export type DefaultsConfig = z.output<typeof defaultsConfigSchema>;
export type DefaultsConfigInput = z.input<typeof defaultsConfigSchema>;
