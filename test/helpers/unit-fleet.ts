import { ProviderLimiter, providerLimits } from '../../src/resilience/provider-limiter.js';
import type { RateLimits, SharedRateStore } from '../../src/resilience/rate-limiter.js';
import { createRateLimiter } from '../../src/client/rate-limits.js';
import { ClientEvents } from '../../src/client/client-events.js';
import type { AttemptEvent, CooldownEvent } from '../../src/client/event-types.js';
import type { ProviderSlot, RouteCandidate } from '../../src/client/provider-slot.js';
import { RequestLog } from '../../src/client/request-log.js';
import { AttemptSettler, type RequestRun } from '../../src/client/settle-attempt.js';
import type { RetryConfig } from '../../src/config/config-schema.js';
import { silentLogger } from '../../src/internal/logger.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import type { ProviderChatResult } from '../../src/types/response.js';
import type { StreamChunk } from '../../src/types/stream-chunk.js';
import { FakeClock } from './fake-clock.js';

/** What a fake provider does on its next call: answer, throw, or stream these chunks (then throw). */
export type Script =
  { answer: string } | { throw: Error } | { chunks: StreamChunk[]; thenThrow?: Error };

/** A provider with no sockets: each call takes the next script step; it counts its calls. */
export class ScriptedProvider implements Provider {
  readonly type = 'scripted';
  readonly model: string;
  calls = 0;
  private readonly steps: Script[] = [];

  constructor(readonly name: string) {
    this.model = `model-${name}`;
  }

  next(...steps: Script[]): this {
    this.steps.push(...steps);
    return this;
  }

  async chat(request: ProviderRequest): Promise<ProviderChatResult> {
    this.calls += 1;
    const step = this.steps.shift() ?? { answer: `(${this.name}) ok` };
    if ('throw' in step) throw step.throw;
    const content = 'answer' in step ? step.answer : '';
    return {
      id: `id-${this.calls}`,
      created: 0,
      model: request.model,
      content,
      finishReason: 'stop',
      usage: { promptTokens: 2, completionTokens: 3, totalTokens: 5 },
    };
  }

  async chatStream(): Promise<AsyncIterable<StreamChunk>> {
    this.calls += 1;
    const step = this.steps.shift() ?? { chunks: [{ type: 'text-delta', delta: 'ok' }] };
    if ('throw' in step) throw step.throw;
    const chunks =
      'chunks' in step ? step.chunks : [{ type: 'text-delta' as const, delta: step.answer }];
    const failure = 'thenThrow' in step ? step.thenThrow : undefined;
    return (async function* () {
      for (const chunk of chunks) {
        await Promise.resolve();
        yield chunk;
      }
      if (failure) throw failure;
    })();
  }

  async healthCheck() {
    return { ok: true, checkedAt: 0, latencyMs: 0 };
  }

  async close(): Promise<void> {}
}

export const RETRY: RetryConfig = {
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  budgetMs: 30_000,
  defaultCooldownMs: 1_000,
  maxCooldownMs: 300_000,
};

/** Providers, breakers and a settler over a fake clock: the failover loop with no sockets. */
export function unitFleet(
  names: string[],
  options: {
    failureThreshold?: number;
    retry?: Record<string, Partial<RetryConfig>>;
    /** `limits.requestsPerMinute` etc. per provider name. */
    rateLimits?: Record<string, Partial<RateLimits>>;
    /** A shared window (a Redis store, or a test double) for the rate limits. */
    rateStore?: SharedRateStore;
    /** Workers sharing the rate limits (the local fallback's share). */
    workers?: () => number | undefined;
  } = {},
) {
  const clock = new FakeClock();
  const events = new ClientEvents(silentLogger);
  const attempts: AttemptEvent[] = [];
  const cooldowns: CooldownEvent[] = [];
  events.on('attempt', (e) => attempts.push(e));
  events.on('cooldown', (e) => cooldowns.push(e));
  const providers = names.map((name) => new ScriptedProvider(name));
  const slots: ProviderSlot[] = providers.map((provider, index) => {
    const breaker = new CircuitBreaker({
      name: provider.name,
      failureThreshold: options.failureThreshold ?? 5,
      recoveryTimeoutMs: 60_000,
      halfOpenMaxCalls: 1,
      probeTimeoutMs: 60_000,
      maxCooldownMs: 300_000,
      clock,
    });
    return {
      name: provider.name,
      provider,
      breaker,
      limiter: new ProviderLimiter(breaker, providerLimits(undefined)),
      rateLimiter: createRateLimiter(provider.name, options.rateLimits?.[provider.name], {
        clock,
        shared: options.rateStore,
        workers: options.workers,
      }),
      priority: index + 1,
      index,
      enabled: true,
      models: [],
      config: undefined,
      retry: { ...RETRY, ...options.retry?.[provider.name] },
      misconfigured: undefined,
    };
  });
  const candidates: RouteCandidate[] = slots.map((slot) => ({ slot, model: slot.provider.model }));
  const settler = new AttemptSettler({ clock, events, retry: RETRY });
  const newRun = (operation: 'chat' | 'stream' = 'chat'): RequestRun => ({
    requestId: 'req_test',
    operation,
    route: 'default',
    log: new RequestLog(silentLogger, 'req_test', false),
    attempts: [],
  });
  return { clock, events, attempts, cooldowns, providers, slots, candidates, settler, newRun };
}
