import { z } from 'zod';

/** Gemini API `models/{m}:batchEmbedContents` response. */
export const geminiBatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
});
export type GeminiBatchEmbedResponse = z.output<typeof geminiBatchEmbedResponseSchema>;

/** Vertex AI `publishers/google/models/{m}:predict` response of a text embedding model. */
export const vertexPredictEmbeddingResponseSchema = z.looseObject({
  predictions: z.array(
    z.looseObject({
      embeddings: z.looseObject({
        values: z.array(z.number()),
        statistics: z
          .looseObject({ token_count: z.number().optional(), truncated: z.boolean().optional() })
          .optional(),
      }),
    }),
  ),
});
export type VertexPredictEmbeddingResponse = z.output<typeof vertexPredictEmbeddingResponseSchema>;
