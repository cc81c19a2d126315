import type { ProviderEmbedRequest } from '../../types/embedding.js';
import type { OpenAIEmbeddingRequest } from './openai-embedding-wire.js';

/** The unified embedding request as an OpenAI `POST /embeddings` body. */
export function convertToOpenAIEmbeddingRequest(
  request: ProviderEmbedRequest,
): OpenAIEmbeddingRequest {
  const body: OpenAIEmbeddingRequest = {
    model: request.model,
    input: request.input,
    encoding_format: 'float',
  };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return body;
}
