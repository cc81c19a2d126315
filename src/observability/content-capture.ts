import type { ChatMiddleware } from '../client/middleware/chat-middleware.js';

const LIMIT = 10_000;

/** Prompts and completions (JSON) by request id, until the request's span takes them. */
export class ContentStore {
  private readonly entries = new Map<string, { input?: string; output?: string }>();

  put(requestId: string, key: 'input' | 'output', value: unknown): void {
    const entry = this.entries.get(requestId) ?? {};
    entry[key] = JSON.stringify(value);
    this.entries.set(requestId, entry);
    if (this.entries.size > LIMIT) this.entries.delete(this.entries.keys().next().value!);
  }

  take(requestId: string): { input?: string; output?: string } | undefined {
    const entry = this.entries.get(requestId);
    this.entries.delete(requestId);
    return entry;
  }
}

/**
 * Records each request's messages and answer for its span (`gen_ai.input.messages`,
 * `gen_ai.output.messages`). Installed only with `observability.tracing.captureContent: true`.
 */
export function contentCaptureMiddleware(store: ContentStore): ChatMiddleware {
  const answer = (content: string | null) => [{ role: 'assistant', content }];
  return {
    name: 'otel-content-capture',
    wrapChat: async ({ next, request, ctx }) => {
      store.put(ctx.requestId, 'input', request.messages);
      const response = await next(request);
      store.put(ctx.requestId, 'output', answer(response.content));
      return response;
    },
    wrapStream: ({ next, request, ctx }) => {
      store.put(ctx.requestId, 'input', request.messages);
      return next(request).observe({
        onEnd: (response) => store.put(ctx.requestId, 'output', answer(response.content)),
      });
    },
  };
}
