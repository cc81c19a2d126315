import { z } from 'zod';

/**
 * OpenAI's `POST /v1/embeddings` body as the gateway accepts it. Token-array inputs (`number[]`,
 * `number[][]`) are refused: FlexiAI routes across providers with different tokenizers, so only
 * text is meaningful everywhere.
 */
export const openAIEmbeddingRequestSchema = z.looseObject({
  input: z.union(
    [
      z.string().min(1, 'must not be empty'),
      z
        .array(
          z
            .string({ error: 'must be a string (token arrays are not supported)' })
            .min(1, 'must not be empty'),
        )
        .min(1, 'must contain at least one text'),
    ],
    { error: 'must be a string or an array of strings' },
  ),
  model: z.string().min(1).optional(),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).default('float'),
  user: z.string().optional(),
});
export type OpenAIEmbeddingRequest = z.output<typeof openAIEmbeddingRequestSchema>;
