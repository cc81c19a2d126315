import type { ProviderEmbedRequest } from '../../types/embedding.js';

/** Gemini API `batchEmbedContents` body: one request per text, each naming the model resource. */
export function convertToGeminiBatchEmbedRequest(
  request: ProviderEmbedRequest,
  resource: string,
): { requests: Record<string, unknown>[] } {
  return {
    requests: request.input.map((text) => ({
      model: resource,
      content: { parts: [{ text }] },
      ...(request.dimensions === undefined ? {} : { outputDimensionality: request.dimensions }),
    })),
  };
}

/** Vertex AI `predict` body of a text embedding model: one instance per text. */
export function convertToVertexPredictEmbedRequest(request: ProviderEmbedRequest): {
  instances: { content: string }[];
  parameters?: { outputDimensionality: number };
} {
  return {
    instances: request.input.map((content) => ({ content })),
    ...(request.dimensions === undefined
      ? {}
      : { parameters: { outputDimensionality: request.dimensions } }),
  };
}

/**
 * Texts per call: the Gemini API takes 100 requests per batch; Vertex AI `predict` takes 250
 * instances for `text-embedding-*` / `text-multilingual-embedding-*` models, and one for Gemini
 * embedding models.
 */
export function maxGeminiEmbeddingInputs(kind: 'gemini' | 'vertexai', model: string): number {
  if (kind === 'gemini') return 100;
  return model.includes('gemini') ? 1 : 250;
}
