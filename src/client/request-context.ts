import type { Logger } from '../internal/logger.js';
import type { ClientEventMap, Operation } from './event-types.js';

/** Per-call options beside the request (the gateway passes its key id this way). */
export interface RequestOptions {
  /** The gateway key's id: a hash or its configured name, never the key itself. */
  gatewayKeyId?: string | undefined;
  /** Free-form values for middleware (copied into `ctx.metadata`). */
  metadata?: Record<string, unknown> | undefined;
}

/** What every middleware is handed with a request: who asked, for what, and where to report. */
export interface RequestContext {
  /** The request's correlation id (in every log line, the response and `x-request-id`). */
  readonly requestId: string;
  readonly operation: Operation;
  /** The route the request asked for: its `model`, or `default`. */
  readonly route: string;
  /** The caller's abort signal, if any. */
  readonly signal: AbortSignal | undefined;
  /** Scratch space shared by the middleware of this request (e.g. a cache key). */
  readonly metadata: Record<string, unknown>;
  /** The gateway key's id (a hash or its configured name; never the key). */
  readonly gatewayKeyId: string | undefined;
  /** Epoch ms (the client's clock) when the call began. */
  readonly startedAt: number;
  /** The request's logger, bound to its correlation id. */
  readonly logger: Logger;
  /** Reports a middleware's own event (a cache hit, a budget warning) on the client's events. */
  emit<K extends 'cache' | 'budget'>(type: K, event: ClientEventMap[K]): void;
}
