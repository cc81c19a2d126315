import type { ChatMiddleware } from '../client/middleware/chat-middleware.js';
import type { ModelPrice } from '../config/pricing-config-schema.js';
import type { Logger } from '../internal/logger.js';
import type { PartialOutput } from '../errors/stream-interrupted-error.js';
import type { Attempt } from '../types/attempt.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { Usage } from '../types/usage.js';
import { computeCost } from './compute-cost.js';
import { buildCostReport, type CostReport, type CostReportOptions } from './cost-report.js';
import type { LedgerEntry, LedgerSink } from './ledger-entry.js';
import { picoToUsd } from './money.js';
import { PriceBook } from './price-book.js';
import { countOutputTokens, countPromptTokens } from './prompt-tokens.js';
import { loadTokenizer } from './token-counter.js';

/** A provider and model a route may send a request to, in the order tried. */
export interface RouteTarget {
  provider: string;
  model: string;
}

/** What `ai.estimateCost(request)` answers, for the provider the request would try first. */
export interface CostEstimate {
  provider: string;
  model: string;
  promptTokens: number;
  /** `maxTokens` of the request, else the model's most output, else what its context leaves. */
  maxCompletionTokens: number | undefined;
  /** The prompt alone (no output), USD; undefined when the model has no known price. */
  minUsd: number | undefined;
  /** With `maxCompletionTokens` of output, USD; undefined when unknown. */
  maxUsd: number | undefined;
  /** `tokenizer`: counted with the model's own tokenizer (OpenAI); `approximate`: one token per 4 bytes. */
  method: 'tokenizer' | 'approximate';
}

/** What the tracker needs to know of a settled request (a `request` event's fields). */
export interface SettledRequest {
  requestId: string;
  operation: 'chat' | 'stream' | 'embed';
  route: string;
  gatewayKeyId?: string | undefined;
  cached?: boolean | undefined;
  attempts: readonly Attempt[];
  at: number;
}

export interface CostTrackerOptions {
  pricing?: Readonly<Record<string, ModelPrice>> | undefined;
  ledger: LedgerSink;
  logger?: Logger | undefined;
  /** The providers and models a route resolves to, in order (throws for unknown routes). */
  resolve(route: string): RouteTarget[];
}

/**
 * Cost on everything: prices every settled call (the settle point calls `priceAttempt`), sets
 * `costUsd` on responses (its middleware), records each billed call in the ledger when its request
 * ends, estimates before a request, and reports. Amounts are integer pico-dollars inside; `costUsd`
 * fields are those amounts shown as numbers.
 */
export class CostTracker {
  /** The price book; replaced by `setPricing` (hot reload). */
  prices: PriceBook;
  readonly ledger: LedgerSink;
  private readonly pico = new WeakMap<Attempt, number>();
  private readonly estimatedUsage = new WeakMap<Attempt, Usage>();
  /** Requests with a stream under way, for estimating the prompt of one that is cut. */
  private readonly streaming = new Map<string, ChatRequest>();

  constructor(private readonly options: CostTrackerOptions) {
    this.prices = new PriceBook(options.pricing, options.logger);
    this.ledger = options.ledger;
  }

  /** Prices calls from now on with a new `pricing` section (hot reload); the ledger stays. */
  setPricing(pricing: CostTrackerOptions['pricing']): void {
    this.prices = new PriceBook(pricing, this.options.logger);
  }

  /** Settle-point hook: prices one call from its usage, or estimates a stream cut after output. */
  priceAttempt = (
    attempt: Attempt,
    info: { run: { requestId: string; log?: Logger }; partial?: PartialOutput | undefined },
  ): void => {
    if (attempt.skipped) return;
    if (attempt.usage) {
      this.setCost(
        attempt,
        this.prices.price(attempt.provider, attempt.model, attempt.usage, info.run.log),
        false,
      );
      return;
    }
    const partial = info.partial;
    if (!partial || (partial.content === '' && partial.toolCalls.length === 0)) return;
    // Billed, but the provider never sent its final usage: estimate from what was received.
    const request = this.streaming.get(info.run.requestId);
    const promptTokens = request ? countPromptTokens(request, attempt.model).tokens : 0;
    const completionTokens = countOutputTokens(partial, attempt.model).tokens;
    const usage: Usage = {
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
    };
    this.estimatedUsage.set(attempt, usage);
    this.setCost(
      attempt,
      this.prices.price(attempt.provider, attempt.model, usage, info.run.log),
      true,
    );
  };

  /** Prices an embeddings call (for `ai.embed`): input tokens only. */
  priceEmbedding(
    provider: string,
    model: string,
    usage: { promptTokens: number },
  ): { costUsd?: number; costPico?: number } {
    const pico = this.prices.price(provider, model, {
      promptTokens: usage.promptTokens,
      completionTokens: 0,
      totalTokens: usage.promptTokens,
    });
    return pico === undefined ? {} : { costUsd: picoToUsd(pico), costPico: pico };
  }

  /** Exact cost of a call in pico-dollars, when it was priced. */
  picoOf(attempt: Attempt): number | undefined {
    return (
      this.pico.get(attempt) ??
      (attempt.costUsd === undefined ? undefined : Math.round(attempt.costUsd * 1e12))
    );
  }

  /**
   * The cost of a request's calls, pico-dollars: undefined when a call that was billed has no
   * known price (a served call without cost counts as unknown), else the sum of the priced calls.
   */
  requestPico(attempts: readonly Attempt[]): number | undefined {
    let total = 0;
    for (const attempt of attempts) {
      const pico = this.picoOf(attempt);
      if (pico === undefined) {
        if (attempt.ok || attempt.usage || this.estimatedUsage.has(attempt)) return undefined;
        continue;
      }
      total += pico;
    }
    return total;
  }

  /** Sets `costUsd` on a response: the sum over its calls (0 for an answer from a cache). */
  priceResponse<T extends ChatResponse>(response: T): T {
    if (response.cached) {
      response.costUsd = 0;
      return response;
    }
    const pico = this.requestPico(response.attempts);
    if (pico === undefined) delete response.costUsd;
    else response.costUsd = picoToUsd(pico);
    return response;
  }

  /** The built-in middleware that puts `costUsd` on every response, plain or streamed. */
  middleware(): ChatMiddleware {
    return {
      name: 'cost',
      wrapChat: async ({ next, request }) => this.priceResponse(await next(request)),
      wrapStream: ({ next, request, ctx }) => {
        // Kept from the first chunk (a stream never read is never kept) to the request's end.
        let kept = false;
        return next(request).observe({
          onChunk: () => {
            if (kept) return;
            kept = true;
            this.streaming.set(ctx.requestId, request);
          },
          onEnd: (response) => this.priceResponse(response),
        });
      },
    };
  }

  /** Records the billed calls of a finished request in the ledger; returns the request's cost (pico). */
  settle(request: SettledRequest): number {
    this.streaming.delete(request.requestId);
    if (request.cached) return 0;
    let total = 0;
    request.attempts.forEach((attempt, index) => {
      const pico = this.picoOf(attempt);
      const usage = attempt.usage ?? this.estimatedUsage.get(attempt);
      if (pico === undefined && !usage) return; // nothing billed
      if (pico !== undefined) total += pico;
      const entry: LedgerEntry = {
        at: request.at,
        requestId: request.requestId,
        attempt: index,
        operation: request.operation,
        provider: attempt.provider,
        model: attempt.model,
        route: request.route,
        ok: attempt.ok,
      };
      if (request.gatewayKeyId !== undefined) entry.key = request.gatewayKeyId;
      if (usage) entry.usage = ledgerUsage(usage);
      if (pico !== undefined) entry.costPico = pico;
      if (attempt.costEstimated) entry.estimated = true;
      this.ledger.append(entry);
    });
    return total;
  }

  async report(options: CostReportOptions = {}): Promise<CostReport> {
    const read = await this.ledger.read({});
    return buildCostReport(read, options);
  }

  /** Estimates a request's cost before sending it, for the provider its route tries first. */
  async estimate(request: ChatRequest): Promise<CostEstimate> {
    const [target] = this.options.resolve(request.model ?? 'default');
    if (!target) throw new TypeError(`No provider for model "${request.model ?? 'default'}"`);
    await loadTokenizer(target.model);
    const prompt = countPromptTokens(request, target.model);
    const price = this.prices.find(target.model);
    const maxCompletionTokens =
      request.maxTokens ??
      price?.maxOutputTokens ??
      (price?.contextWindow === undefined
        ? undefined
        : Math.max(0, price.contextWindow - prompt.tokens));
    const usd = (completion: number): number | undefined => {
      if (!price) return undefined;
      const result = computeCost(price, {
        promptTokens: prompt.tokens,
        completionTokens: completion,
        totalTokens: prompt.tokens + completion,
      });
      return result.ok ? picoToUsd(result.pico) : undefined;
    };
    return {
      provider: target.provider,
      model: target.model,
      promptTokens: prompt.tokens,
      maxCompletionTokens,
      minUsd: usd(0),
      maxUsd: maxCompletionTokens === undefined ? undefined : usd(maxCompletionTokens),
      method: prompt.exact ? 'tokenizer' : 'approximate',
    };
  }

  /**
   * Hold of a request for budgets (pico): its prompt, plus `maxTokens` of output (or
   * `holdOutputTokens` when it sets none), at the dearest price on its route.
   */
  reservationPico(request: ChatRequest, route: string, holdOutputTokens = 0): number {
    let targets: RouteTarget[];
    try {
      targets = this.options.resolve(route);
    } catch {
      return 0;
    }
    let most = 0;
    for (const target of targets) {
      const price = this.prices.find(target.model);
      if (!price) continue;
      const promptTokens = countPromptTokens(request, target.model).tokens;
      const completionTokens = request.maxTokens ?? holdOutputTokens;
      const result = computeCost(price, {
        promptTokens,
        completionTokens,
        totalTokens: promptTokens + completionTokens,
      });
      if (result.ok) most = Math.max(most, result.pico);
    }
    return most;
  }

  /** The providers a route may reach. */
  providersOf(route: string): string[] {
    try {
      return this.options.resolve(route).map((t) => t.provider);
    } catch {
      return [];
    }
  }

  private setCost(attempt: Attempt, pico: number | undefined, estimated: boolean): void {
    if (pico === undefined) return;
    this.pico.set(attempt, pico);
    attempt.costUsd = picoToUsd(pico);
    if (estimated) attempt.costEstimated = true;
  }
}

function ledgerUsage(usage: Usage): NonNullable<LedgerEntry['usage']> {
  return {
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    ...(usage.cachedPromptTokens ? { cachedPromptTokens: usage.cachedPromptTokens } : {}),
    ...(usage.cacheWriteTokens ? { cacheWriteTokens: usage.cacheWriteTokens } : {}),
    ...(usage.reasoningTokens ? { reasoningTokens: usage.reasoningTokens } : {}),
  };
}
