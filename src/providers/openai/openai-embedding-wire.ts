import { z } from 'zod';

/** `POST /embeddings` as FlexiAI sends it (floats: no base64 decoding on our side). */
export interface OpenAIEmbeddingRequest {
  model: string;
  input: string[];
  encoding_format: 'float';
  dimensions?: number;
}

/** What we read of an OpenAI embeddings response. Loose: newer fields are kept, not refused. */
export const openAIEmbeddingResponseSchema = z.looseObject({
  object: z.string().optional(),
  model: z.string().optional(),
  data: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()),
    }),
  ),
  usage: z
    .looseObject({ prompt_tokens: z.number(), total_tokens: z.number().optional() })
    .nullish(),
});
export type OpenAIEmbeddingResponse = z.output<typeof openAIEmbeddingResponseSchema>;
