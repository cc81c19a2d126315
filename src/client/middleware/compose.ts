import { FlexiAIError } from '../../errors/flexiai-error.js';
import { MiddlewareError } from '../../errors/middleware-error.js';
import type { ChatRequest } from '../../types/request.js';
import type { ChatResponse } from '../../types/response.js';
import { ChatStream } from '../chat-stream.js';
import type { RequestContext } from '../request-context.js';
import type { ChatMiddleware } from './chat-middleware.js';

export type ChatHandler = (request: ChatRequest, ctx: RequestContext) => Promise<ChatResponse>;
export type StreamHandler = (request: ChatRequest, ctx: RequestContext) => ChatStream;

/** Errors that came up through a `next`: they belong to the layers below, not to the middleware. */
const fromBelow = new WeakSet<object>();

const mark = (error: unknown): unknown => {
  if (typeof error === 'object' && error !== null) fromBelow.add(error);
  return error;
};

/** A middleware's own failure as a MiddlewareError; errors from below and FlexiAI errors pass. */
function blame(middleware: ChatMiddleware, error: unknown): unknown {
  if (FlexiAIError.isInstance(error)) return error;
  if (typeof error === 'object' && error !== null && fromBelow.has(error)) return error;
  return new MiddlewareError(middleware.name, error);
}

/** Runs every `transformRequest`, in order; sync when they all are. */
export function transformRequest(
  middleware: readonly ChatMiddleware[],
  request: ChatRequest,
  ctx: RequestContext,
): ChatRequest | Promise<ChatRequest> {
  let current: ChatRequest | Promise<ChatRequest> = request;
  for (const m of middleware) {
    const transform = m.transformRequest;
    if (!transform) continue;
    current =
      current instanceof Promise
        ? current.then((r) => guard(m, () => transform.call(m, r, ctx)))
        : guard(m, () => transform.call(m, current as ChatRequest, ctx));
  }
  return current;
}

function guard<T>(m: ChatMiddleware, run: () => T | Promise<T>): T | Promise<T> {
  try {
    const result = run();
    return result instanceof Promise
      ? result.catch((e: unknown) => Promise.reject(blame(m, e)))
      : result;
  } catch (error) {
    throw blame(m, error);
  }
}

/** A rejection from below, marked as such on its way up through a middleware. */
const rejectFromBelow = (error: unknown): Promise<never> => Promise.reject(mark(error));

/**
 * `core` wrapped by every `wrapChat`, the first middleware outermost. No async frames: each layer
 * adds one closure (its `next`) and one promise per call, since a cached miss runs through it.
 */
export function composeChat(middleware: readonly ChatMiddleware[], core: ChatHandler): ChatHandler {
  let handler = core;
  for (const m of [...middleware].reverse()) {
    const wrap = m.wrapChat;
    if (!wrap) continue;
    const next = handler;
    const rejectBlamed = (error: unknown): Promise<never> => Promise.reject(blame(m, error));
    handler = (request, ctx) => {
      let result: Promise<ChatResponse>;
      try {
        result = wrap.call(m, {
          next: (r) => next(r, ctx).then(undefined, rejectFromBelow),
          request,
          ctx,
        });
      } catch (error) {
        return rejectBlamed(error);
      }
      return Promise.resolve(result).then(undefined, rejectBlamed);
    };
  }
  return handler;
}

/** `core` wrapped by every `wrapStream`, the first middleware outermost. */
export function composeStream(
  middleware: readonly ChatMiddleware[],
  core: StreamHandler,
): StreamHandler {
  let handler = core;
  for (const m of [...middleware].reverse()) {
    const wrap = m.wrapStream;
    if (!wrap) continue;
    const next = handler;
    handler = (request, ctx) => {
      let result: ChatStream;
      try {
        result = wrap.call(m, {
          next: (r) => {
            try {
              return next(r, ctx);
            } catch (error) {
              throw mark(error);
            }
          },
          request,
          ctx,
        });
      } catch (error) {
        throw blame(m, error);
      }
      if (!(result instanceof ChatStream)) {
        throw new MiddlewareError(m.name, new TypeError('wrapStream must return a ChatStream'));
      }
      return result;
    };
  }
  return handler;
}
