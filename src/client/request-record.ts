import type { RefusalKind } from '../errors/refusal-kind.js';
import { FlexiAIError } from '../errors/flexiai-error.js';
import type { Clock } from '../internal/clock.js';
import { createCorrelationId } from '../internal/ids.js';
import type { Logger } from '../internal/logger.js';
import type { Attempt } from '../types/attempt.js';
import type { ChatRequest } from '../types/request.js';
import type { EmbedResponse } from '../types/embedding.js';
import type { ChatResponse } from '../types/response.js';
import type { ClientEvents } from './client-events.js';
import type { ClientEventMap, Operation, RequestEvent } from './event-types.js';
import type { RequestContext, RequestOptions } from './request-context.js';
import { RequestLog } from './request-log.js';
import type { RequestRun } from './settle-attempt.js';

export type RequestOutcome =
  { ok: true; response: ChatResponse | EmbedResponse } | { ok: false; error: unknown };

/** What every record of one client shares (made once per client). */
export interface RecordDeps {
  logger: Logger;
  logContent: boolean;
  clock: Clock;
  events: ClientEvents;
}

/**
 * One public call from start to end. It is the `RequestContext` its middleware sees, the run the
 * settle point records its attempts in (over every `next` a middleware made), and the source of
 * the one `request` event at its end, whoever answered.
 */
export class RequestRecord implements RequestContext, RequestRun {
  readonly requestId: string;
  readonly operation: Operation;
  readonly route: string;
  readonly signal: AbortSignal | undefined;
  readonly gatewayKeyId: string | undefined;
  readonly startedAt: number;
  readonly log: RequestLog;
  readonly attempts: Attempt[] = [];
  /** `performance.now()` when the first output of a stream was read. */
  firstOutputAt: number | undefined;
  /** The refusals this request's route fails over on (set by the executor). */
  failoverOn: ReadonlySet<RefusalKind> | undefined;
  /** The request object last validated for this call (the executor does not parse it twice). */
  validated: ChatRequest | undefined;
  private readonly started = performance.now();
  private ownMetadata: Record<string, unknown> | undefined;
  private finished = false;

  constructor(
    private readonly deps: RecordDeps,
    request: ChatRequest | Pick<ChatRequest, 'model' | 'signal' | 'correlationId'>,
    operation: Operation,
    private readonly options: RequestOptions | undefined,
  ) {
    this.requestId = request.correlationId ?? createCorrelationId();
    this.operation = operation;
    this.route = request.model ?? 'default';
    this.signal = request.signal;
    this.gatewayKeyId = options?.gatewayKeyId;
    this.startedAt = deps.clock.now();
    this.log = new RequestLog(deps.logger, this.requestId, deps.logContent);
    this.validated = 'messages' in request ? request : undefined;
  }

  get logger(): Logger {
    return this.log;
  }

  /** Scratch space shared by the middleware of this request (made on first use). */
  get metadata(): Record<string, unknown> {
    this.ownMetadata ??= { ...this.options?.metadata };
    return this.ownMetadata;
  }

  emit<K extends 'cache' | 'budget'>(type: K, event: ClientEventMap[K]): void {
    this.deps.events.emit(type, event);
  }

  /** Emits the call's one `request` event (later calls are ignored). */
  finish(outcome: RequestOutcome): void {
    if (this.finished) return;
    this.finished = true;
    const { events, clock } = this.deps;
    if (!events.wanted('request')) return;
    const event: RequestEvent = {
      requestId: this.requestId,
      operation: this.operation,
      route: this.route,
      ok: outcome.ok,
      latencyMs: performance.now() - this.started,
      failedOver: false,
      attempts: outcome.ok ? outcome.response.attempts : this.attempts,
      at: clock.now(),
    };
    if (this.gatewayKeyId !== undefined) event.gatewayKeyId = this.gatewayKeyId;
    if (this.firstOutputAt !== undefined) event.ttftMs = this.firstOutputAt - this.started;
    if (outcome.ok) {
      const { response } = outcome;
      event.provider = response.provider;
      event.model = response.model;
      event.usage = response.usage;
      if ('finishReason' in response) event.finishReason = response.finishReason;
      if (response.costUsd !== undefined) event.costUsd = response.costUsd;
      if ('cached' in response && response.cached) event.cached = true;
      event.failedOver = response.attempts.some((a) => a.provider !== response.provider);
    } else {
      const { error } = outcome;
      if (error instanceof Error) event.error = error;
      if (FlexiAIError.isInstance(error)) event.code = error.code;
    }
    events.emit('request', event);
  }
}

/** The record behind a context (a context made by this client is its record). */
export function recordOf(ctx: RequestContext): RequestRecord {
  if (!(ctx instanceof RequestRecord)) {
    throw new TypeError('next() was given a RequestContext that no FlexiAI client made');
  }
  return ctx;
}
