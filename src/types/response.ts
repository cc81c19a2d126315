import type { Attempt } from './attempt.js';
import type { FinishReason } from './finish-reason.js';
import type { ReasoningBlock } from './reasoning.js';
import type { ToolCall } from './tool.js';
import type { Usage } from './usage.js';

/** What a provider adapter returns for one successful upstream call. */
export interface ProviderChatResult {
  /** The upstream completion id. */
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  content: string | null;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** Upstream request id (x-request-id, request-id, ...), when sent. */
  requestId?: string;
  /** Provider-specific extras (safety ratings, system fingerprint, ...). */
  providerMetadata?: Record<string, unknown>;
  /**
   * The model's reasoning, where the provider returns it (Anthropic thinking blocks with their
   * signatures). Put it on the assistant message of the next turn to continue a tool-use turn.
   */
  reasoning?: ReasoningBlock[];
  /**
   * Request fields this provider cannot honour and did not send (unified names, e.g.
   * `logitBias`, `cacheControl`). Absent when every field was honoured. See `strictParams`.
   */
  droppedParams?: string[];
}

/** The unified response of `chatCompletion`. */
export interface ChatResponse extends ProviderChatResult {
  /** Configured name of the provider that served the request. */
  provider: string;
  /** Every upstream call and skip, in the order they happened. */
  attempts: Attempt[];
  /** Wall time of the whole call, failover included. */
  latencyMs: number;
  /** Carried into every log line of this request. */
  correlationId: string;
  /** Set by a cache middleware when the answer came from the cache (no upstream call). */
  cached?: boolean;
  /** What the request cost in USD, when a cost middleware priced it; absent when unknown. */
  costUsd?: number;
}
