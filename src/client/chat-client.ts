import type { FlexiAIConfig } from '../config/config-schema.js';
import type { DashboardFigures } from '../observability/dashboard-figures.js';
import type { MetricsSnapshot } from '../observability/metrics-snapshot.js';
import type { ServerTracing } from '../observability/server-tracing.js';
import type { SyncStatus } from '../state/circuit-state-sync.js';
import type { ConfigStatus } from './config-reload.js';
import type { EmbedRequest, EmbedResponse } from '../types/embedding.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ChatStream } from './chat-stream.js';
import type { ProviderStatus } from './provider-status.js';
import type { RequestOptions } from './request-context.js';

/**
 * What the gateway, the CLI and the simple API need of a client. `FlexiAI` is one; a wrapper
 * around it (or a test double) serves the same.
 */
export interface ChatClient {
  chatCompletion(request: ChatRequest, options?: RequestOptions): Promise<ChatResponse>;
  chatCompletionStream(request: ChatRequest, options?: RequestOptions): ChatStream;
}

/** A client that also embeds (`FlexiAI` is one). */
export interface EmbeddingClient {
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResponse>;
}

/** A client the gateway can serve: chat, plus what `/health` and `/v1/models` report. */
export interface ServableClient extends ChatClient {
  readonly config: Pick<FlexiAIConfig, 'server' | 'routes'>;
  getProviderStatus(): ProviderStatus[];
  getSyncStatus(): SyncStatus;
  /** Every name a request may use as `model`: routes, providers and model ids. */
  knownModels(): string[];
  /** When the configuration was loaded and how hot reloads went (`/health` shows it). */
  getConfigStatus?(): ConfigStatus;
  /** What GET /metrics exposes (absent: /metrics answers 404). */
  getMetrics?(): MetricsSnapshot;
  /** What the dashboard shows (absent: /dashboard answers 404). */
  getDashboardFigures?(): DashboardFigures;
  /** Server spans for the gateway, when tracing is on. */
  serverTracing?(): ServerTracing | undefined;
  /** Embeddings for `POST /v1/embeddings` (the route answers 404 without it). */
  embed?: EmbeddingClient['embed'];
}
