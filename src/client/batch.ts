import { AbortedError } from '../errors/aborted-error.js';
import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { systemClock, type Clock } from '../internal/clock.js';
import { sleep } from '../internal/sleep.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ChatClient } from './chat-client.js';

/** One item's outcome: never a thrown error, so one failure never fails the batch. */
export type BatchResult = { ok: true; response: ChatResponse } | { ok: false; error: unknown };

export interface BatchProgress {
  total: number;
  /** Items settled (succeeded + failed). */
  done: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  /** Summed `costUsd` of the answers that carry one. */
  costUsd: number;
  /** Set while the batch waits for a cooling provider (epoch ms of the clock). */
  pausedUntil?: number | undefined;
}

export interface BatchOptions {
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Called after every settled item (and when the batch pauses for a cooldown). A throwing listener is ignored. */
  onProgress?: (progress: BatchProgress, settled?: { index: number; result: BatchResult }) => void;
  /** Stops starting new items; items in flight are aborted and settle as AbortedError. */
  signal?: AbortSignal;
  /**
   * When every provider is cooling down (an AllProvidersFailedError with `retryAfterMs`), the
   * batch stops starting work until then and tries the item again, at most this many times per
   * item (default 10) before recording the error.
   */
  maxCooldownWaits?: number;
  /** The clock of cooldown waits (the client's own through `ai.batch`). */
  clock?: Clock;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_COOLDOWN_WAITS = 10;

/**
 * Runs many chat requests through a client with bounded concurrency. Results come back in input
 * order, one `{ ok, response | error }` per request. When all providers are cooling down the batch
 * pauses until the earliest is available (honouring Retry-After) instead of failing the items it
 * would start meanwhile. An abort stops new work and settles what is in flight.
 */
export async function runBatch(
  client: ChatClient,
  requests: readonly ChatRequest[],
  options: BatchOptions = {},
): Promise<BatchResult[]> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError([{ path: 'concurrency', message: 'must be a positive integer' }]);
  }
  if (!Array.isArray(requests)) {
    throw new ValidationError([{ path: 'requests', message: 'must be an array of chat requests' }]);
  }
  const clock = options.clock ?? systemClock;
  const maxWaits = options.maxCooldownWaits ?? DEFAULT_COOLDOWN_WAITS;
  const { signal } = options;
  const results: BatchResult[] = new Array<BatchResult>(requests.length);
  const progress: BatchProgress = {
    total: requests.length,
    done: 0,
    succeeded: 0,
    failed: 0,
    inFlight: 0,
    costUsd: 0,
  };
  let pausedUntil = 0;
  let next = 0;

  const report = (settled?: { index: number; result: BatchResult }): void => {
    if (!options.onProgress) return;
    try {
      options.onProgress(
        { ...progress, pausedUntil: pausedUntil > clock.now() ? pausedUntil : undefined },
        settled,
      );
    } catch {
      // A progress listener never breaks the batch.
    }
  };
  const settle = (index: number, result: BatchResult): void => {
    results[index] = result;
    progress.done += 1;
    if (result.ok) {
      progress.succeeded += 1;
      progress.costUsd += result.response.costUsd ?? 0;
    } else progress.failed += 1;
    report({ index, result });
  };
  const aborted = (): BatchResult => ({
    ok: false,
    error: new AbortedError(undefined, { cause: signal?.reason }),
  });

  const runItem = async (index: number): Promise<BatchResult> => {
    const request = requests[index] as ChatRequest;
    for (let waits = 0; ; waits += 1) {
      const wait = pausedUntil - clock.now();
      if (wait > 0) {
        try {
          await sleep(wait, signal, clock);
        } catch {
          return aborted();
        }
      }
      if (signal?.aborted) return aborted();
      progress.inFlight += 1;
      try {
        const own = request?.signal;
        const combined = signal && own ? AbortSignal.any([signal, own]) : (signal ?? own);
        const response = await client.chatCompletion(
          combined ? { ...request, signal: combined } : request,
        );
        return { ok: true, response };
      } catch (error) {
        const retryAfterMs = AllProvidersFailedError.isInstance(error)
          ? error.retryAfterMs
          : undefined;
        if (retryAfterMs === undefined || waits >= maxWaits || signal?.aborted) {
          return { ok: false, error };
        }
        // Every provider is cooling: hold all new work until the earliest one is back.
        pausedUntil = Math.max(pausedUntil, clock.now() + retryAfterMs);
        report();
      } finally {
        progress.inFlight -= 1;
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      if (signal?.aborted) {
        settle(index, aborted());
        continue;
      }
      settle(index, await runItem(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, () => worker()));
  return results;
}
