import type { RetryConfig } from '../config/config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Clock } from '../internal/clock.js';
import type { AdmissionGate } from '../resilience/admission-gate.js';
import type { EmbedResponse, ParsedEmbedRequest } from '../types/embedding.js';
import type { ChatRequest, ParsedChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import { admittedStream } from './admitted-stream.js';
import { ChatStream } from './chat-stream.js';
import { checkRouteCapabilities } from './check-route-capabilities.js';
import { runFailover } from './failover.js';
import { chatTokensEstimate, perModel } from './rate-limits.js';
import { parseChatRequest } from './parse-chat-request.js';
import type { ProviderFleet } from './provider-fleet.js';
import type { RouteCandidate } from './provider-slot.js';
import type { RequestContext } from './request-context.js';
import { runChatStream } from './run-chat-stream.js';
import { embeddingCandidates } from './embedding-candidates.js';
import { runEmbed } from './run-embed.js';
import { recordOf, type RequestRecord } from './request-record.js';
import type { AttemptSettler } from './settle-attempt.js';

export interface ChatExecutorOptions {
  fleet: ProviderFleet;
  retry: RetryConfig;
  clock: Clock;
  random: () => number;
  settler: AttemptSettler;
  /** Client-wide admission control (config `limits`): every request, streams until they end. */
  admission: AdmissionGate;
}

/** Validates a request that came from a middleware's `next(...)`, unless it is the one already checked. */
function ensureParsed(request: ChatRequest, record: RequestRecord): ParsedChatRequest {
  if (request === record.validated) return request as ParsedChatRequest;
  const parsed = parseChatRequest(request);
  record.validated = parsed;
  return parsed;
}

/** The tokens estimate of a chat request per candidate (computed once per model, only when asked). */
function tokensEstimate(
  request: Parameters<typeof chatTokensEstimate>[0],
): (candidate: RouteCandidate) => number {
  const byModel = perModel((model) => chatTokensEstimate(request, model));
  return (candidate) => byModel(candidate.model);
}

/**
 * The request path below the middleware: route -> candidates -> failover -> settle, one way, for
 * plain calls and streams alike. Every attempt is settled by the AttemptSettler.
 */
export class ChatExecutor {
  constructor(private readonly options: ChatExecutorOptions) {}

  /** The client-wide admission gate (a reload with the same `limits` keeps it). */
  get admission(): AdmissionGate {
    return this.options.admission;
  }

  async chat(input: ChatRequest, ctx: RequestContext): Promise<ChatResponse> {
    const run = recordOf(ctx);
    const request = ensureParsed(input, run);
    const { router } = this.options.fleet;
    const candidates = checkRouteCapabilities(
      request,
      router.candidatesFor(request.model, this.options.random),
    );
    run.failoverOn = router.policy(request.model)?.failoverOn;
    const { signal, correlationId: _id, model: _model, cache: _cache, ...rest } = request;
    const lease = await this.options.admission.enter(signal);
    const started = performance.now();
    const firstAttempt = run.attempts.length;
    const { value, attempt } = await runFailover({
      candidates,
      retry: this.options.retry,
      clock: this.options.clock,
      random: this.options.random,
      signal,
      settler: this.options.settler,
      run,
      estimateTokens: tokensEstimate(rest),
      call: ({ slot, model }) =>
        slot.provider.chat(
          { ...rest, model },
          { signal, correlationId: run.requestId, logger: run.log },
        ),
    }).finally(() => lease.release());
    this.options.settler.settle(run, attempt, { ok: true, usage: value.usage });
    return {
      ...value,
      provider: attempt.candidate.slot.name,
      attempts: run.attempts.slice(firstAttempt),
      latencyMs: performance.now() - started,
      correlationId: run.requestId,
    };
  }

  /** Invalid requests and unknown models throw here, synchronously; the call starts on iteration. */
  stream(input: ChatRequest, ctx: RequestContext): ChatStream {
    const run = recordOf(ctx);
    const request = ensureParsed(input, run);
    const { router } = this.options.fleet;
    const candidates = checkRouteCapabilities(
      request,
      router
        .candidatesFor(request.model, this.options.random)
        .filter((c) => c.slot.provider.chatStream),
    );
    run.failoverOn = router.policy(request.model)?.failoverOn;
    if (candidates.length === 0) {
      throw new ConfigurationError(
        `No provider for model "${request.model ?? 'default'}" supports streaming`,
      );
    }
    const { signal, correlationId: _id, model: _model, cache: _cache, ...rest } = request;
    return new ChatStream(
      admittedStream(this.options.admission, signal, (controller) =>
        runChatStream(
          {
            candidates,
            retry: this.options.retry,
            clock: this.options.clock,
            random: this.options.random,
            settler: this.options.settler,
            run,
            request: rest,
            signal,
            estimateTokens: tokensEstimate(rest),
          },
          controller,
        ),
      ),
    );
  }

  /** Embeddings: only providers of one embedding model and dimensions, through the same failover and settle point. */
  embed(request: ParsedEmbedRequest, ctx: RequestContext): Promise<EmbedResponse> {
    const run = recordOf(ctx);
    return runEmbed({
      candidates: embeddingCandidates(this.options.fleet.router, request.model, request.dimensions),
      retry: this.options.retry,
      clock: this.options.clock,
      random: this.options.random,
      settler: this.options.settler,
      run,
      request,
    });
  }
}
