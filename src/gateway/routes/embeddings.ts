import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmbeddingClient } from '../../client/chat-client.js';
import { ValidationError } from '../../errors/validation-error.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import type { EmbedRequest, EmbedResponse } from '../../types/embedding.js';
import {
  openAIEmbeddingRequestSchema,
  type OpenAIEmbeddingRequest,
} from '../openai-embedding-request-schema.js';
import { abortWhenUndeliverable } from '../in-flight-responses.js';
import { requestKeyId } from '../request-key-id.js';
import { attemptHeaders } from './chat-completions.js';

export function parseEmbeddingBody(body: unknown): OpenAIEmbeddingRequest {
  const parsed = openAIEmbeddingRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(toPathIssues(parsed.error));
  return parsed.data;
}

/** A vector as OpenAI's `encoding_format: base64`: little-endian float32, base64. */
export const toBase64Vector = (vector: readonly number[]): string => {
  const floats = new Float32Array(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
};

/** An `ai.embed` answer as OpenAI's embeddings response body. */
export function toOpenAIEmbeddingResponse(
  response: EmbedResponse,
  encoding: 'float' | 'base64',
): Record<string, unknown> {
  return {
    object: 'list',
    model: response.model,
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? toBase64Vector(vector) : vector,
    })),
    usage: {
      prompt_tokens: response.usage.promptTokens,
      total_tokens: response.usage.totalTokens,
    },
  };
}

/** The unified embedding request of an OpenAI embeddings body. */
export const convertFromOpenAIEmbeddingRequest = (body: OpenAIEmbeddingRequest): EmbedRequest => ({
  input: body.input,
  ...(body.model === undefined ? {} : { model: body.model }),
  ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
});

/** `POST /v1/embeddings` in the OpenAI shape, served by `ai.embed` (same failover and events). */
export function registerEmbeddings(app: FastifyInstance, client: EmbeddingClient): void {
  app.post('/v1/embeddings', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseEmbeddingBody(request.body);
    const controller = new AbortController();
    abortWhenUndeliverable(reply.raw, () => controller.abort());
    const response = await client.embed(
      {
        ...convertFromOpenAIEmbeddingRequest(body),
        correlationId: request.id,
        signal: controller.signal,
      },
      { gatewayKeyId: requestKeyId(request) },
    );
    void reply.headers(attemptHeaders(response.provider, response.attempts));
    return toOpenAIEmbeddingResponse(response, body.encoding_format);
  });
}
