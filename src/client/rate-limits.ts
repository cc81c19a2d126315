import { randomBytes } from 'node:crypto';
import type { ProviderLimitsConfig } from '../config/provider-config-schema.js';
import { countPromptTokens } from '../cost/prompt-tokens.js';
import { countTokens } from '../cost/token-counter.js';
import type { Clock } from '../internal/clock.js';
import { RateLimiter, type SharedRateStore } from '../resilience/rate-limiter.js';
import type { SlidingWindowLog } from '../resilience/sliding-window.js';
import type { ChatRequest } from '../types/request.js';

/** Output tokens reserved for a call whose request sets no `maxTokens` (corrected after it). */
export const DEFAULT_OUTPUT_RESERVE = 1_024;

/** Tells this process's reservations apart from other workers' in the shared window. */
const PROCESS_TAG = randomBytes(6).toString('hex');

export interface RateLimiterDeps {
  clock: Clock;
  shared?: SharedRateStore | undefined;
  workers?: () => number | undefined;
  /** The provider's local window, kept across rebuilds of its slot (a reload). */
  window?: (() => SlidingWindowLog) | undefined;
}

/**
 * The rate limiter of one provider slot, from its `limits` block; undefined when it sets neither
 * `requestsPerMinute` nor `tokensPerMinute`. Made wherever a slot is made (start, registration,
 * a reload), so a provider's limiter always follows its current config.
 */
export function createRateLimiter(
  provider: string,
  limits: Partial<ProviderLimitsConfig> | undefined,
  deps: RateLimiterDeps,
): RateLimiter | undefined {
  if (!limits || !RateLimiter.applies(limits)) return undefined;
  return new RateLimiter({
    provider,
    limits: {
      requestsPerMinute: limits.requestsPerMinute,
      tokensPerMinute: limits.tokensPerMinute,
      onLimit: limits.onLimit ?? 'failover',
      maxWaitMs: limits.maxWaitMs ?? 2_000,
    },
    clock: deps.clock,
    shared: deps.shared,
    workers: deps.workers,
    workerId: PROCESS_TAG,
    window: deps.window?.(),
  });
}

/** Tokens a chat call reserves on `model`: its prompt (the cost module's count) plus its output cap. */
export function chatTokensEstimate(
  request: Pick<ChatRequest, 'messages' | 'tools' | 'responseFormat' | 'maxTokens'>,
  model: string,
): number {
  return countPromptTokens(request, model).tokens + (request.maxTokens ?? DEFAULT_OUTPUT_RESERVE);
}

/** Tokens an embeddings call reserves: its input texts. */
export function embedTokensEstimate(input: readonly string[], model: string): number {
  let tokens = 0;
  for (const text of input) tokens += countTokens(text, model).tokens;
  return tokens;
}

/** Per model, once: the estimate is only computed for candidates with a tokens limit. */
export function perModel(estimate: (model: string) => number): (model: string) => number {
  const seen = new Map<string, number>();
  return (model) => {
    let tokens = seen.get(model);
    if (tokens === undefined) {
      tokens = estimate(model);
      seen.set(model, tokens);
    }
    return tokens;
  };
}

/** A shared rate window with its connection's lifecycle (the Redis store). */
export type RateStore = SharedRateStore & { ready?(): Promise<void>; close?(): Promise<void> };
