import type { CallTarget } from '../../transport/map-transport-error.js';
import type { ProviderEmbedResult } from '../../types/embedding.js';
import { estimateTextTokens } from '../shared/estimate-text-tokens.js';
import { checkEmbeddings } from '../shared/check-embedding-count.js';
import type {
  GeminiBatchEmbedResponse,
  VertexPredictEmbeddingResponse,
} from './gemini-embedding-wire.js';

interface MapContext {
  target: CallTarget;
  status: number;
  input: readonly string[];
  model: string;
  dimensions?: number | undefined;
}

/**
 * Gemini API embeddings, in request order. The API reports no token usage for embeddings: the
 * prompt tokens are estimated from the texts (about four characters a token).
 */
export function mapGeminiBatchEmbedResponse(
  response: GeminiBatchEmbedResponse,
  context: MapContext,
): ProviderEmbedResult {
  const embeddings = checkEmbeddings(
    response.embeddings.map((e) => e.values),
    context.input.length,
    context,
  );
  const promptTokens = estimateTextTokens(context.input);
  return {
    embeddings,
    model: context.model,
    usage: { promptTokens, completionTokens: 0, totalTokens: promptTokens },
  };
}

/** Vertex AI `predict` embeddings, in instance order, with the token counts Vertex reports. */
export function mapVertexPredictEmbedResponse(
  response: VertexPredictEmbeddingResponse,
  context: MapContext,
): ProviderEmbedResult {
  const embeddings = checkEmbeddings(
    response.predictions.map((p) => p.embeddings.values),
    context.input.length,
    context,
  );
  const counted = response.predictions.every(
    (p) => p.embeddings.statistics?.token_count !== undefined,
  );
  const promptTokens = counted
    ? response.predictions.reduce((sum, p) => sum + (p.embeddings.statistics?.token_count ?? 0), 0)
    : estimateTextTokens(context.input);
  return {
    embeddings,
    model: context.model,
    usage: { promptTokens, completionTokens: 0, totalTokens: promptTokens },
  };
}
