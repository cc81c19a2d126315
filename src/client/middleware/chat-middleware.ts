import type { ChatResponse } from '../../types/response.js';
import type { ChatRequest } from '../../types/request.js';
import type { ChatStream } from '../chat-stream.js';
import type { RequestContext } from '../request-context.js';

/**
 * One cross-cutting feature around every request (a cache, a budget, defaults, logging), in the
 * manner of AI SDK's language-model middleware. `ai.use(a, b)` runs `a` outermost.
 *
 * - `transformRequest` rewrites the validated request before routing (defaults, aliases). All
 *   middleware transform, in the order given, before any `wrap*` runs; the result is validated again.
 * - `wrapChat` / `wrapStream` run around everything below them — routing, failover, every provider
 *   call. Call `next(request)` to go on (more than once to retry), or answer without it (a cache
 *   does, with `ChatStream.fromResponse` for streams).
 *
 * A middleware that throws an error of its own fails that request with a `MiddlewareError` naming
 * it; errors from `next` and FlexiAI errors it throws on purpose (e.g. a budget refusal) pass as
 * they are. No provider is blamed for either.
 */
export interface ChatMiddleware {
  readonly name: string;
  transformRequest?(request: ChatRequest, ctx: RequestContext): ChatRequest | Promise<ChatRequest>;
  wrapChat?(args: {
    next: (request: ChatRequest) => Promise<ChatResponse>;
    request: ChatRequest;
    ctx: RequestContext;
  }): Promise<ChatResponse>;
  wrapStream?(args: {
    next: (request: ChatRequest) => ChatStream;
    request: ChatRequest;
    ctx: RequestContext;
  }): ChatStream;
}
