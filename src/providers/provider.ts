import type { ProviderConfig, ProviderType } from '../config/provider-config-schema.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import type { ProviderEmbedRequest, ProviderEmbedResult } from '../types/embedding.js';
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
  /**
   * Optional: text embeddings, one vector per input in input order. Present only when the provider
   * is configured with an `embeddingModel`. Never given more than `maxEmbeddingInputs` texts.
   */
  embed?(request: ProviderEmbedRequest, options: ProviderCallOptions): Promise<ProviderEmbedResult>;
  /** The embedding model this provider serves (`embeddingModel` in its config). */
  readonly embeddingModel?: string | undefined;
  /** The dimensions it is configured for (`embeddingDimensions`), if any. */
  readonly embeddingDimensions?: number | undefined;
  /** The most texts one embedding call may carry (the upstream's per-call limit). */
  readonly maxEmbeddingInputs?: number | undefined;
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
