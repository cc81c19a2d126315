import { isLevelEnabled } from '../../internal/logger.js';
import type { ChatResponse } from '../../types/response.js';
import type { ChatRequest } from '../../types/request.js';
import type { ChatMiddleware } from './chat-middleware.js';

export interface LoggingMiddlewareOptions {
  /** pino level of the lines; `debug` by default. */
  level?: 'trace' | 'debug' | 'info';
  /** Also log prompts and completions (off: only sizes, provider, usage and timing). */
  content?: boolean;
  /** Text replaced by `[REDACTED]` in logged content: literal strings or patterns (global). */
  redact?: readonly (string | RegExp)[];
}

/**
 * Request and response logging, one line each, on the request's logger (with its correlation id).
 * Content is logged only when asked, with every `redact` match replaced, so a secret pasted in a
 * prompt does not land in the logs. The client installs it when `logging.logContent` is true.
 */
export function loggingMiddleware(options: LoggingMiddlewareOptions = {}): ChatMiddleware {
  const level = options.level ?? 'debug';
  const patterns = (options.redact ?? []).map((p) =>
    typeof p === 'string'
      ? new RegExp(escapeRegExp(p), 'g')
      : new RegExp(p.source, `${p.flags.replace('g', '')}g`),
  );
  const clean = (text: string): string =>
    patterns.reduce((out, pattern) => out.replace(pattern, '[REDACTED]'), text);
  const requestFields = (request: ChatRequest): Record<string, unknown> =>
    options.content
      ? { messages: JSON.parse(clean(JSON.stringify(request.messages))) as unknown }
      : { messageCount: request.messages.length };
  const responseFields = (response: ChatResponse): Record<string, unknown> => ({
    provider: response.provider,
    model: response.model,
    finishReason: response.finishReason,
    usage: response.usage,
    latencyMs: Math.round(response.latencyMs),
    ...(options.content
      ? {
          content: response.content === null ? null : clean(response.content),
          ...(response.toolCalls
            ? { toolCalls: JSON.parse(clean(JSON.stringify(response.toolCalls))) as unknown }
            : {}),
        }
      : {}),
  });

  return {
    name: 'logging',
    async wrapChat({ next, request, ctx }) {
      if (!isLevelEnabled(ctx.logger, level)) return next(request);
      ctx.logger[level]({ route: ctx.route, ...requestFields(request) }, 'chat request');
      const response = await next(request);
      ctx.logger[level](responseFields(response), 'chat response');
      return response;
    },
    wrapStream({ next, request, ctx }) {
      if (!isLevelEnabled(ctx.logger, level)) return next(request);
      ctx.logger[level]({ route: ctx.route, ...requestFields(request) }, 'chat stream request');
      return next(request).observe({
        onEnd: (response) => ctx.logger[level](responseFields(response), 'chat stream response'),
      });
    },
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
