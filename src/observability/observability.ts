import type { ClientEventMap } from '../client/event-types.js';
import type { ChatMiddleware } from '../client/middleware/chat-middleware.js';
import type { ProviderStatus } from '../client/provider-status.js';
import type { Clock } from '../internal/clock.js';
import type { Logger } from '../internal/logger.js';
import { FLEXIAI_VERSION as VERSION } from '../providers/shared/version.js';
import type { SyncStatus } from '../state/circuit-state-sync.js';
import { ContentStore, contentCaptureMiddleware } from './content-capture.js';
import { DashboardSampler, type DashboardFigures } from './dashboard-figures.js';
import { MetricsCollector } from './metrics-collector.js';
import type { MetricsSnapshot } from './metrics-snapshot.js';
import { loadOtelApi } from './otel-api.js';
import { RequestTracer } from './request-tracer.js';
import { createServerTracing, type ServerTracing } from './server-tracing.js';

export interface ObservabilityOptions {
  on<K extends keyof ClientEventMap>(type: K, fn: (event: ClientEventMap[K]) => void): () => void;
  providerStatus(): ProviderStatus[];
  syncStatus(): SyncStatus;
  knownModels(): string[];
  clock: Clock;
  logger: Logger;
  metrics: boolean;
  tracing: { enabled: boolean; captureContent: boolean };
}

/**
 * A client's metrics and traces: the metrics collector (always, unless turned off), the dashboard
 * sampler, and, when `observability.tracing.enabled`, the OpenTelemetry tracer (loaded lazily;
 * a no-op when `@opentelemetry/api` is not installed).
 */
export class Observability {
  private readonly collector: MetricsCollector | undefined;
  private readonly sampler: DashboardSampler;
  private tracer: RequestTracer | undefined;
  private serverTracing: ServerTracing | undefined;
  private readonly content: ContentStore | undefined;
  /** Settles once tracing is set up (at once when it is off). */
  readonly ready: Promise<void>;

  constructor(private readonly options: ObservabilityOptions) {
    this.collector = options.metrics ? new MetricsCollector(options) : undefined;
    this.sampler = new DashboardSampler(() => ({
      snapshot: this.snapshot(),
      providers: options.providerStatus(),
      sync: options.syncStatus(),
    }));
    if (options.tracing.enabled && options.tracing.captureContent)
      this.content = new ContentStore();
    this.ready = options.tracing.enabled ? this.startTracing() : Promise.resolve();
  }

  snapshot(): MetricsSnapshot {
    const now = this.options.clock.now();
    return (
      this.collector?.snapshot() ?? {
        takenAt: now,
        startedAt: now,
        families: [],
        circuitHistory: [],
      }
    );
  }

  figures(): DashboardFigures {
    return this.sampler.figures();
  }

  /** The gateway's server spans, once tracing is loaded. */
  server(): ServerTracing | undefined {
    return this.serverTracing;
  }

  /** The middleware recording prompts and completions for spans (only with `captureContent`). */
  contentMiddleware(): ChatMiddleware | undefined {
    return this.content ? contentCaptureMiddleware(this.content) : undefined;
  }

  close(): void {
    this.collector?.close();
    this.tracer?.close();
  }

  private async startTracing(): Promise<void> {
    const api = await loadOtelApi();
    if (!api) {
      this.options.logger.warn(
        'observability.tracing.enabled is set but @opentelemetry/api is not installed: no spans (npm install @opentelemetry/api)',
      );
      return;
    }
    const types = (): Map<string, string> =>
      new Map(this.options.providerStatus().map((p) => [p.name, p.type]));
    let known = types();
    this.tracer = new RequestTracer({
      api,
      on: this.options.on,
      providerType: (name) => {
        if (!known.has(name)) known = types();
        return known.get(name);
      },
      ...(this.content ? { content: this.content } : {}),
      version: VERSION,
    });
    this.serverTracing = createServerTracing(api, VERSION);
  }
}
