import type { FlexiAIError } from '../errors/flexiai-error.js';
import type { ClientEvents } from './client-events.js';

export interface ProviderStats {
  /** Upstream calls made. */
  calls: number;
  successes: number;
  failures: number;
  /** Times the provider was passed over (circuit open, cooling, probing). */
  skips: number;
  /** Mean latency of successful calls, in ms. */
  averageLatencyMs: number;
  lastSuccessAt: number | null;
  lastFailure: { at: number; code: string; message: string } | null;
}

export interface RequestStats {
  /** `chatCompletion` / `chatCompletionStream` calls. */
  totalRequests: number;
  successfulRequests: number;
  failedRequests: number;
  /** Requests served by a provider other than the first candidate. */
  failovers: number;
  providers: Record<string, ProviderStats>;
}

const emptyProviderStats = (): ProviderStats => ({
  calls: 0,
  successes: 0,
  failures: 0,
  skips: 0,
  averageLatencyMs: 0,
  lastSuccessAt: null,
  lastFailure: null,
});

/**
 * Counters for `getRequestStats()`: one listener of the client's `request` and `attempt` events.
 * Plain synchronous updates: safe under any concurrency in one event loop.
 */
export class RequestStatsRecorder {
  private totals = { totalRequests: 0, successfulRequests: 0, failedRequests: 0, failovers: 0 };
  private providers = new Map<string, ProviderStats>();

  /** Counts every request and attempt the events report; returns the unsubscribe function. */
  listenTo(events: ClientEvents): () => void {
    const offRequest = events.on('request', (event) => {
      if (event.ok) this.requestSucceeded(event.failedOver);
      else this.requestFailed();
    });
    const offAttempt = events.on('attempt', (event) => {
      if (event.outcome === 'ok') this.callSucceeded(event.provider, event.latencyMs, event.at);
      else if (event.outcome === 'skipped') this.skipped(event.provider);
      else if (event.error && event.failureClass !== 'aborted')
        this.callFailed(event.provider, event.error, event.at);
    });
    return () => {
      offRequest();
      offAttempt();
    };
  }

  requestSucceeded(failedOver: boolean): void {
    this.totals.totalRequests += 1;
    this.totals.successfulRequests += 1;
    if (failedOver) this.totals.failovers += 1;
  }

  requestFailed(): void {
    this.totals.totalRequests += 1;
    this.totals.failedRequests += 1;
  }

  callSucceeded(provider: string, latencyMs: number, at: number): void {
    const stats = this.of(provider);
    stats.calls += 1;
    stats.successes += 1;
    stats.averageLatencyMs += (latencyMs - stats.averageLatencyMs) / stats.successes;
    stats.lastSuccessAt = at;
  }

  callFailed(provider: string, error: FlexiAIError, at: number): void {
    const stats = this.of(provider);
    stats.calls += 1;
    stats.failures += 1;
    stats.lastFailure = { at, code: error.code, message: error.message };
  }

  skipped(provider: string): void {
    this.of(provider).skips += 1;
  }

  snapshot(): RequestStats {
    const providers: Record<string, ProviderStats> = {};
    for (const [name, stats] of this.providers) {
      providers[name] = { ...stats, lastFailure: stats.lastFailure && { ...stats.lastFailure } };
    }
    return { ...this.totals, providers };
  }

  private of(provider: string): ProviderStats {
    let stats = this.providers.get(provider);
    if (!stats) {
      stats = emptyProviderStats();
      this.providers.set(provider, stats);
    }
    return stats;
  }
}
