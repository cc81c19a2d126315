import { FlexiAIError } from '../errors/flexiai-error.js';
import type { Clock } from '../internal/clock.js';
import { createCorrelationId } from '../internal/ids.js';
import type { Logger } from '../internal/logger.js';
import type { Attempt } from '../types/attempt.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ClientEvents } from './client-events.js';
import type { ClientEventMap, Operation, RequestEvent } from './event-types.js';
import type { RequestContext, RequestOptions } from './request-context.js';
import { RequestLog } from './request-log.js';
import type { RequestRun } from './settle-attempt.js';

export type RequestOutcome = { ok: true; response: ChatResponse } | { ok: false; error: unknown };

export interface RequestRecordOptions {
  request: ChatRequest;
  operation: Operation;
  options: RequestOptions | undefined;
  logger: Logger;
  logContent: boolean;
  clock: Clock;
  events: ClientEvents;
}

/**
 * One public call from start to end: the context its middleware sees, the attempts the settle
 * point records for it (over every `next` a middleware made), and the one `request` event at its
 * end, whoever answered.
 */
export class RequestRecord implements RequestRun {
  readonly requestId: string;
  readonly operation: Operation;
  readonly route: string;
  readonly log: RequestLog;
  readonly attempts: Attempt[] = [];
  readonly ctx: RequestContext;
  /** `performance.now()` when the first output of a stream was read. */
  firstOutputAt: number | undefined;
  private readonly startedAt = performance.now();
  private finished = false;

  constructor(private readonly options: RequestRecordOptions) {
    const { request, operation } = options;
    this.requestId = request.correlationId ?? createCorrelationId();
    this.operation = operation;
    this.route = request.model ?? 'default';
    this.log = new RequestLog(options.logger, this.requestId, options.logContent);
    this.ctx = new Context(this, options);
  }

  finish(outcome: RequestOutcome): void {
    if (this.finished) return;
    this.finished = true;
    const { events, clock } = this.options;
    if (!events.wanted('request')) return;
    const latencyMs = performance.now() - this.startedAt;
    const event: RequestEvent = {
      requestId: this.requestId,
      operation: this.operation,
      route: this.route,
      ok: outcome.ok,
      latencyMs,
      failedOver: false,
      attempts: outcome.ok ? outcome.response.attempts : this.attempts,
      at: clock.now(),
    };
    if (this.ctx.gatewayKeyId !== undefined) event.gatewayKeyId = this.ctx.gatewayKeyId;
    if (this.firstOutputAt !== undefined) event.ttftMs = this.firstOutputAt - this.startedAt;
    if (outcome.ok) {
      const { response } = outcome;
      event.provider = response.provider;
      event.model = response.model;
      event.usage = response.usage;
      if (response.costUsd !== undefined) event.costUsd = response.costUsd;
      if (response.cached) event.cached = true;
      event.failedOver = response.attempts.some((a) => a.provider !== response.provider);
    } else {
      const { error } = outcome;
      if (error instanceof Error) event.error = error;
      if (FlexiAIError.isInstance(error)) event.code = error.code;
    }
    events.emit('request', event);
  }
}

/** The RequestContext middleware sees: plain fields, and `emit` for its own events. */
class Context implements RequestContext {
  readonly requestId: string;
  readonly operation: Operation;
  readonly route: string;
  readonly signal: AbortSignal | undefined;
  readonly metadata: Record<string, unknown>;
  readonly gatewayKeyId: string | undefined;
  readonly startedAt: number;
  readonly logger: Logger;

  constructor(
    record: RequestRecord,
    private readonly options: RequestRecordOptions,
  ) {
    this.requestId = record.requestId;
    this.operation = record.operation;
    this.route = record.route;
    this.signal = options.request.signal;
    this.metadata = { ...options.options?.metadata };
    this.gatewayKeyId = options.options?.gatewayKeyId;
    this.startedAt = options.clock.now();
    this.logger = record.log;
  }

  emit<K extends 'cache' | 'budget'>(type: K, event: ClientEventMap[K]): void {
    this.options.events.emit(type, event);
  }
}
