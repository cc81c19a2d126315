import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServableClient } from '../../client/chat-client.js';
import { ValidationError } from '../../errors/validation-error.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import type { ChatRequest } from '../../types/request.js';
import { convertFromResponsesRequest } from '../convert-from-responses-request.js';
import { ResponsesEventWriter, type ResponsesEvent } from '../convert-to-responses-events.js';
import { responseId, toResponsesResponse } from '../convert-to-responses-response.js';
import { droppedParamsHeader } from '../dropped-params-header.js';
import { mapErrorToHttp } from '../map-error-to-http.js';
import {
  openAIResponsesRequestSchema,
  type OpenAIResponsesRequest,
} from '../openai-responses-request-schema.js';
import { abortWhenUndeliverable } from '../in-flight-responses.js';
import { sseFrame, SseWriter } from '../sse-writer.js';
import { attemptHeaders } from './chat-completions.js';
import { requestKeyId } from '../request-key-id.js';

/** The Responses request fields the dropped-params header names (others as in chat). */
const RESPONSES_NAMES = {
  reasoning: 'reasoning.effort',
  verbosity: 'text.verbosity',
  maxTokens: 'max_output_tokens',
};

function parseBody(body: unknown): OpenAIResponsesRequest {
  const parsed = openAIResponsesRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationError(toPathIssues(parsed.error));
  return parsed.data;
}

/**
 * `POST /v1/responses`, stateless: the Responses request becomes a unified chat request served by
 * the client's `chatCompletion` / `chatCompletionStream` (same routing, failover, breakers and
 * streaming contract as chat), and the result goes back as a Response object or event stream.
 */
export function registerResponses(app: FastifyInstance, client: ServableClient): void {
  app.post('/v1/responses', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseBody(request.body);
    const unified: ChatRequest = {
      ...convertFromResponsesRequest(body),
      correlationId: request.id,
      ...(client.config.server.strictParams ? { strictParams: true } : {}),
    };
    if (body.stream) return streamResponse(client, request, reply, body, unified);
    const controller = new AbortController();
    abortWhenUndeliverable(reply.raw, () => controller.abort());
    const response = await client.chatCompletion(
      { ...unified, signal: controller.signal },
      { gatewayKeyId: requestKeyId(request) },
    );
    void reply.headers({
      ...attemptHeaders(response.provider, response.attempts),
      ...droppedParamsHeader(response.droppedParams, RESPONSES_NAMES),
    });
    return toResponsesResponse(response, body);
  });
}

async function streamResponse(
  client: ServableClient,
  request: FastifyRequest,
  reply: FastifyReply,
  body: OpenAIResponsesRequest,
  unified: ChatRequest,
): Promise<void> {
  const stream = client.chatCompletionStream(unified, { gatewayKeyId: requestKeyId(request) });
  abortWhenUndeliverable(reply.raw, () => stream.abort());
  const sse = new SseWriter(reply.raw);
  const writer = new ResponsesEventWriter(
    responseId(),
    Math.floor(Date.now() / 1000),
    body,
    body.model ?? 'default',
  );
  const send = async (events: ResponsesEvent[]): Promise<void> => {
    for (const event of events) await sse.send(JSON.stringify(event), event.type);
  };
  let started = false;
  let dropped: string[] | undefined;
  // Nothing is written until the stream committed to a provider: a request no provider could
  // start still gets a proper HTTP error status.
  const begin = async (): Promise<void> => {
    started = true;
    const committed = stream.committed;
    if (committed && writer.model === (body.model ?? 'default')) writer.model = committed.model;
    reply.hijack();
    sse.start(
      200,
      {
        ...attemptHeaders(committed?.provider, committed?.attempts ?? []),
        ...droppedParamsHeader(dropped, RESPONSES_NAMES),
        'x-request-id': request.id,
      },
      // Cut by a shutdown: an error event and response.failed, as after any other failure.
      (error) =>
        failEvents(writer, error)
          .map((event) => sseFrame(JSON.stringify(event), event.type))
          .join(''),
    );
    await send(writer.start());
  };
  try {
    for await (const chunk of stream) {
      if (chunk.type === 'response-metadata') {
        if (chunk.droppedParams) dropped = chunk.droppedParams;
        writer.chunk(chunk);
        continue;
      }
      if (!started) await begin();
      await send(writer.chunk(chunk));
    }
    if (!started) await begin();
    await send(writer.finish());
    sse.end();
  } catch (error) {
    if (!started) throw error; // nothing sent yet: an ordinary HTTP error response
    // After output began: an error event and response.failed, never response.completed.
    const { body: errorBody } = mapErrorToHttp(error);
    await send(failEvents(writer, errorBody.error));
    sse.end();
  }
}

/** The events that end a responses stream broken after it began: `error`, then `response.failed`. */
function failEvents(
  writer: ResponsesEventWriter,
  error: { code: string | null; message: string },
): ResponsesEvent[] {
  return writer.fail(error.code ?? 'stream_interrupted', error.message);
}
