import type { CallTarget } from '../../transport/map-transport-error.js';
import type { ProviderEmbedResult } from '../../types/embedding.js';
import { checkEmbeddings } from '../shared/check-embedding-count.js';
import type { OpenAIEmbeddingResponse } from './openai-embedding-wire.js';

/** OpenAI's `data[]` (each with its `index`) back into input order, with usage. */
export function mapOpenAIEmbeddingResponse(
  response: OpenAIEmbeddingResponse,
  context: {
    target: CallTarget;
    status: number;
    inputs: number;
    model: string;
    dimensions?: number | undefined;
  },
): ProviderEmbedResult {
  const ordered: (number[] | undefined)[] = Array.from({ length: response.data.length });
  for (const item of response.data) ordered[item.index] = item.embedding;
  const embeddings = checkEmbeddings(ordered, context.inputs, context);
  const prompt = response.usage?.prompt_tokens ?? 0;
  return {
    embeddings,
    model: response.model ?? context.model,
    usage: {
      promptTokens: prompt,
      completionTokens: 0,
      totalTokens: response.usage?.total_tokens ?? prompt,
    },
  };
}
