import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmbeddingClient } from '../../client/chat-client.js';
import { ValidationError } from '../../errors/validation-error.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import {
  openAIEmbeddingRequestSchema,
  type OpenAIEmbeddingRequest,
} from '../openai-embedding-request-schema.js';
import { requestKeyId } from '../request-key-id.js';
import { attemptHeaders } from './chat-completions.js';

function parseBody(body: unknown): OpenAIEmbeddingRequest {
  const parsed = openAIEmbeddingRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(toPathIssues(parsed.error));
  return parsed.data;
}

/** A vector as OpenAI's `encoding_format: base64`: little-endian float32, base64. */
export const toBase64Vector = (vector: readonly number[]): string => {
  const floats = new Float32Array(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
};

/** `POST /v1/embeddings` in the OpenAI shape, served by `ai.embed` (same failover and events). */
export function registerEmbeddings(app: FastifyInstance, client: EmbeddingClient): void {
  app.post('/v1/embeddings', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseBody(request.body);
    const controller = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    const response = await client.embed(
      {
        input: body.input,
        ...(body.model === undefined ? {} : { model: body.model }),
        ...(body.dimensions === undefined ? {} : { dimensions: body.dimensions }),
        correlationId: request.id,
        signal: controller.signal,
      },
      { gatewayKeyId: requestKeyId(request) },
    );
    void reply.headers(attemptHeaders(response.provider, response.attempts));
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      model: response.model,
      data: response.embeddings.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64Vector(vector) : vector,
      })),
      usage: {
        prompt_tokens: response.usage.promptTokens,
        total_tokens: response.usage.totalTokens,
      },
    };
  });
}
