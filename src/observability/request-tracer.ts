import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { AttemptEvent, ClientEventMap, RequestEvent } from '../client/event-types.js';
import { ATTR, GEN_AI_PROVIDER } from './gen-ai-attributes.js';
import type { ContentStore } from './content-capture.js';
import type { OtelApi } from './otel-api.js';

export interface RequestTracerOptions {
  api: OtelApi;
  on<K extends keyof ClientEventMap>(type: K, fn: (event: ClientEventMap[K]) => void): () => void;
  /** A provider's type (`openai`, `anthropic`, ...), for `gen_ai.provider.name`. */
  providerType(name: string): string | undefined;
  /** Prompts and completions by request id, kept only when the user opted in to content on spans. */
  content?: ContentStore;
  version: string;
}

const PENDING_LIMIT = 10_000;

/**
 * Builds one span per request with a child per upstream call, from the client's events, under
 * whatever span is active when the request ends (the gateway's server span). Attempt events are
 * held per request until its `request` event, then replayed as children with their own start and
 * end times (an event's `at` minus its `latencyMs`), so the tree is right under failover and for
 * streams. Skipped providers become span events on the request span. No content unless opted in.
 */
export class RequestTracer {
  private readonly pending = new Map<string, AttemptEvent[]>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly options: RequestTracerOptions) {
    this.unsubscribe = [
      options.on('attempt', (e) => this.onAttempt(e)),
      options.on('request', (e) => this.onRequest(e)),
    ];
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  private onAttempt(e: AttemptEvent): void {
    const list = this.pending.get(e.requestId);
    if (list) list.push(e);
    else {
      this.pending.set(e.requestId, [e]);
      if (this.pending.size > PENDING_LIMIT) this.pending.delete(this.pending.keys().next().value!);
    }
  }

  private onRequest(e: RequestEvent): void {
    const { api } = this.options;
    const attempts = this.pending.get(e.requestId) ?? [];
    this.pending.delete(e.requestId);
    const content = this.options.content?.take(e.requestId);
    const tracer = api.trace.getTracer('flexiai', this.options.version);
    const parent = api.context.active();
    const attributes: Attributes = {
      [ATTR.operation]: 'chat',
      'flexiai.request_id': e.requestId,
      'flexiai.route': e.route,
      'flexiai.stream': e.operation === 'stream',
      'flexiai.failed_over': e.failedOver,
    };
    if (e.route !== 'default') attributes[ATTR.requestModel] = e.route;
    if (e.provider) {
      attributes['flexiai.provider'] = e.provider;
      const system = GEN_AI_PROVIDER[this.options.providerType(e.provider) ?? ''];
      if (system) {
        attributes[ATTR.provider] = system;
        attributes[ATTR.system] = system;
      }
    }
    if (e.model) attributes[ATTR.responseModel] = e.model;
    if (e.usage) {
      attributes[ATTR.inputTokens] = e.usage.promptTokens;
      attributes[ATTR.outputTokens] = e.usage.completionTokens;
    }
    if (e.finishReason) attributes[ATTR.finishReasons] = [e.finishReason];
    if (e.cached) attributes['flexiai.cached'] = true;
    if (e.ttftMs !== undefined) attributes['flexiai.ttft_ms'] = e.ttftMs;
    if (e.costUsd !== undefined) attributes['flexiai.cost_usd'] = e.costUsd;
    if (content?.input) attributes[ATTR.inputMessages] = content.input;
    if (content?.output) attributes[ATTR.outputMessages] = content.output;
    const span = tracer.startSpan(
      `chat ${e.route}`,
      { kind: api.SpanKind.INTERNAL, startTime: e.at - e.latencyMs, attributes },
      parent,
    );
    if (!e.ok) this.fail(span, e.code, e.error);
    const ctx = api.trace.setSpan(parent, span);
    for (const attempt of attempts) {
      if (attempt.outcome === 'skipped') {
        span.addEvent(
          'flexiai.provider_skipped',
          { 'flexiai.provider': attempt.provider, 'flexiai.skip_reason': attempt.skipped ?? '' },
          attempt.at,
        );
      } else this.attemptSpan(attempt, ctx);
    }
    span.end(e.at);
  }

  private attemptSpan(a: AttemptEvent, parent: Context): void {
    const { api } = this.options;
    const tracer = api.trace.getTracer('flexiai', this.options.version);
    const system = GEN_AI_PROVIDER[this.options.providerType(a.provider) ?? ''];
    const attributes: Attributes = {
      [ATTR.operation]: 'chat',
      [ATTR.requestModel]: a.model,
      'flexiai.provider': a.provider,
      'flexiai.request_id': a.requestId,
    };
    if (system) {
      attributes[ATTR.provider] = system;
      attributes[ATTR.system] = system;
    }
    if (a.status !== undefined) attributes[ATTR.httpStatus] = a.status;
    if (a.usage) {
      attributes[ATTR.inputTokens] = a.usage.promptTokens;
      attributes[ATTR.outputTokens] = a.usage.completionTokens;
    }
    if (a.ttftMs !== undefined) attributes['flexiai.ttft_ms'] = a.ttftMs;
    if (a.failureClass) attributes['flexiai.failure_class'] = a.failureClass;
    const span = tracer.startSpan(
      `chat ${a.model}`,
      { kind: api.SpanKind.CLIENT, startTime: a.at - a.latencyMs, attributes },
      parent,
    );
    if (a.outcome === 'error') this.fail(span, a.code, a.error);
    span.end(a.at);
  }

  private fail(span: Span, code: string | undefined, error: Error | undefined): void {
    span.setAttribute(ATTR.errorType, code ?? error?.name ?? 'error');
    span.setStatus({
      code: this.options.api.SpanStatusCode.ERROR,
      message: error?.message.split('\n')[0] ?? code ?? 'error',
    });
  }
}
