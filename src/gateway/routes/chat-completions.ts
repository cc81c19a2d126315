import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import { ValidationError } from '../../errors/validation-error.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import type { Attempt } from '../../types/attempt.js';
import type { ChatRequest } from '../../types/request.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import { CacheExchange } from '../cache-exchange.js';
import { convertFromOpenAIRequest } from '../convert-from-openai-request.js';
import {
  completionId,
  roleChunk,
  toOpenAIChunks,
  toOpenAICompletion,
  type ChunkContext,
} from '../convert-to-openai-response.js';
import { droppedParamsHeader } from '../dropped-params-header.js';
import { mapErrorToHttp } from '../map-error-to-http.js';
import {
  openAIChatRequestSchema,
  UNCARRIED_FIELDS,
  type OpenAIChatRequest,
} from '../openai-chat-request-schema.js';
import { requestKeyId } from '../request-key-id.js';
import { SseWriter } from '../sse-writer.js';
import { abortWhenUndeliverable } from '../in-flight-responses.js';

/** Upstream calls made (skips excluded), and the compact path for debugging: `a:500,b:ok`. */
export function attemptHeaders(
  provider: string | undefined,
  attempts: readonly Attempt[],
): Record<string, string> {
  const calls = attempts.filter((a) => a.skipped === undefined);
  return {
    ...(provider ? { 'x-flexiai-provider': provider } : {}),
    'x-flexiai-attempts': String(calls.length),
    'x-flexiai-attempt-path': attempts
      .map(
        (a) =>
          `${a.provider}:${a.ok ? 'ok' : (a.skipped ?? a.status ?? a.error?.name ?? 'failed')}`,
      )
      .join(','),
  };
}

/** The OpenAI fields of this request no provider receives; refused instead with strictParams. */
function uncarriedFields(body: OpenAIChatRequest, strict: boolean): string[] {
  const present = UNCARRIED_FIELDS.filter((field) => body[field] != null);
  if (strict && present.length) {
    throw new ValidationError(
      present.map((field) => ({
        path: field,
        message: 'is not carried to any provider by FlexiAI (strictParams is on)',
      })),
    );
  }
  return present;
}

/** A cost in USD as sent in `x-flexiai-cost`: plain decimal, never exponent notation. */
export const formatCost = (usd: number): string =>
  usd.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');

function parseBody(body: unknown): OpenAIChatRequest {
  const parsed = openAIChatRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(toPathIssues(parsed.error));
  return parsed.data;
}

export function registerChatCompletions(app: FastifyInstance, client: ServableClient): void {
  app.post('/v1/chat/completions', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseBody(request.body);
    const uncarried = uncarriedFields(body, client.config.server.strictParams);
    const unified: ChatRequest = {
      ...convertFromOpenAIRequest(body),
      correlationId: request.id,
      ...(client.config.server.strictParams ? { strictParams: true } : {}),
    };
    const cache = new CacheExchange(request);
    if (body.stream)
      return streamCompletion(client, request, reply, { body, unified, uncarried, cache });
    const controller = new AbortController();
    abortWhenUndeliverable(reply.raw, () => controller.abort());
    const sent = cache.apply({ ...unified, signal: controller.signal }, requestKeyId(request));
    const response = await client.chatCompletion(sent.request, sent.options);
    void reply.headers({
      ...attemptHeaders(response.provider, response.attempts),
      ...droppedParamsHeader([...(response.droppedParams ?? []), ...uncarried]),
      ...cache.headers(),
    });
    if (response.costUsd !== undefined)
      void reply.header('x-flexiai-cost', formatCost(response.costUsd));
    return toOpenAICompletion(response);
  });
}

/** What a streamed completion is sent with: the body as received, the request, and what to report. */
interface StreamParts {
  body: OpenAIChatRequest;
  unified: ChatRequest;
  uncarried: string[];
  cache: CacheExchange;
}

async function streamCompletion(
  client: ServableClient,
  request: FastifyRequest,
  reply: FastifyReply,
  { body, unified, uncarried, cache }: StreamParts,
): Promise<void> {
  const sent = cache.apply(unified, requestKeyId(request));
  const stream = client.chatCompletionStream(sent.request, sent.options);
  abortWhenUndeliverable(reply.raw, () => stream.abort());
  const sse = new SseWriter(reply.raw);
  const context: ChunkContext = {
    id: completionId(undefined),
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'default',
    includeUsage: body.stream_options?.include_usage === true,
  };
  let started = false;
  let dropped: string[] = uncarried;
  // The response starts only once the stream committed to a provider: a request no provider could
  // start still gets a proper HTTP error status, not a 200 with an error inside.
  const begin = async (): Promise<void> => {
    started = true;
    const committed = stream.committed;
    if (committed && context.model === (body.model ?? 'default')) context.model = committed.model;
    reply.hijack();
    sse.start(200, {
      ...attemptHeaders(committed?.provider, committed?.attempts ?? []),
      ...droppedParamsHeader(dropped),
      ...cache.headers(),
      'x-request-id': request.id,
    });
    await sse.send(JSON.stringify(roleChunk(context)));
  };
  // The usage chunk is held to the end, so it can carry the request's cost (known only then).
  let usageChunk: StreamChunk | undefined;
  const write = async (chunk: StreamChunk): Promise<void> => {
    if (chunk.type === 'usage') {
      usageChunk = chunk;
      return;
    }
    if (chunk.type === 'response-metadata') {
      if (chunk.id) context.id = completionId(chunk.id);
      if (chunk.model) context.model = chunk.model;
      if (chunk.droppedParams) dropped = [...chunk.droppedParams, ...uncarried];
      return;
    }
    for (const payload of toOpenAIChunks(chunk, context)) await sse.send(JSON.stringify(payload));
  };
  try {
    for await (const chunk of stream) {
      if (!started && chunk.type !== 'response-metadata') await begin();
      await write(chunk);
    }
    if (!started) await begin();
    const { costUsd } = await stream.finalResponse();
    if (usageChunk) {
      for (const payload of toOpenAIChunks(usageChunk, context)) {
        const usage = payload['usage'];
        if (costUsd !== undefined && usage && typeof usage === 'object') {
          (usage as Record<string, unknown>)['cost'] = costUsd;
        }
        await sse.send(JSON.stringify(payload));
      }
    }
    if (costUsd !== undefined) await sse.comment(`x-flexiai-cost: ${formatCost(costUsd)}`);
    await sse.send('[DONE]');
    sse.end();
  } catch (error) {
    if (!started) throw error; // nothing sent yet: an ordinary HTTP error response
    // After commit: an explicit error event, never a clean [DONE].
    const { body: errorBody } = mapErrorToHttp(error);
    await sse.send(JSON.stringify({ error: { ...errorBody.error, type: 'stream_interrupted' } }));
    sse.end();
  }
}
