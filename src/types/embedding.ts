import { z } from 'zod';
import type { Attempt } from './attempt.js';
import type { Usage } from './usage.js';

const abortSignalSchema = z.custom<AbortSignal>((value) => value instanceof AbortSignal, {
  message: 'must be an AbortSignal',
});

/** `ai.embed(...)`: one text or many, optionally a route/provider/embedding model and dimensions. */
export const embedRequestSchema = z.strictObject({
  input: z.union([
    z.string().min(1, 'must not be empty'),
    z.array(z.string().min(1, 'must not be empty')).min(1, 'must contain at least one text'),
  ]),
  /** Route name, provider name, or an embedding model id. Absent or `default`: the first embedding provider's model. */
  model: z.string().min(1).optional(),
  /** Output dimensions; providers configured with other dimensions are not used. */
  dimensions: z.number().int().positive().max(65_536).optional(),
  correlationId: z.string().min(1).max(128).optional(),
  signal: abortSignalSchema.optional(),
});

export type EmbedRequest = z.input<typeof embedRequestSchema>;
export type ParsedEmbedRequest = z.output<typeof embedRequestSchema>;

/** What one provider receives: at most its per-call limit of texts, and the model it must use. */
export interface ProviderEmbedRequest {
  input: string[];
  model: string;
  dimensions?: number | undefined;
}

/** One provider's answer: one vector per input, in input order. */
export interface ProviderEmbedResult {
  embeddings: number[][];
  usage: Usage;
  model: string;
}

/** What `ai.embed` returns: one vector per input, in input order. */
export interface EmbedResponse {
  embeddings: number[][];
  usage: Usage;
  /** The provider that answered (the first one, when a large input took several calls). */
  provider: string;
  model: string;
  attempts: Attempt[];
  latencyMs: number;
  correlationId: string;
  costUsd?: number;
}
