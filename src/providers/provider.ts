import type { ProviderConfig, ProviderType } from '../config/provider-config-schema.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import type { ParsedChatRequest } from '../types/request.js';
import type { ProviderChatResult } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';

/** A validated request as one provider receives it: `model` is the model this provider must use. */
export type ProviderRequest = Omit<
  ParsedChatRequest,
  'model' | 'signal' | 'correlationId' | 'cache'
> & {
  model: string;
};

export interface ProviderCallOptions {
  signal?: AbortSignal | undefined;
  correlationId: string;
  logger: Logger;
}

export interface HealthCheckResult {
  ok: boolean;
  /** Epoch ms of the check (results are cached). */
  checkedAt: number;
  latencyMs: number;
  error?: Error;
}

/**
 * An upstream an application can talk to. Adapters convert the unified request to the provider's
 * wire format and back, and map every failure to a typed FlexiAI error. They never retry: the
 * client's failover loop is the one retry owner.
 */
export interface Provider {
  readonly name: string;
  /** `openai`, `anthropic`, ... or a custom type. */
  readonly type: ProviderType | (string & {});
  /** The model used when a request does not name one of this provider's models. */
  readonly model: string;
  chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderChatResult>;
  /**
   * Streams a completion. Resolves once the upstream accepted the request (a non-2xx status
   * rejects with the mapped error); the iterator yields chunks and throws typed errors.
   * Breaking out of the loop aborts the upstream request.
   */
  chatStream?(
    request: ProviderRequest,
    options: ProviderCallOptions,
  ): Promise<AsyncIterable<StreamChunk>>;
  /** Optional: a cheap authenticated call, cached for `healthCheckTtlMs`; `force` bypasses the cache. */
  healthCheck?(options?: { signal?: AbortSignal; force?: boolean }): Promise<HealthCheckResult>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

export interface ProviderDeps {
  clock: Clock;
  logger: Logger;
}

export type ProviderFactory<C extends ProviderConfig = ProviderConfig> = (
  config: C,
  deps: ProviderDeps,
) => Provider;
