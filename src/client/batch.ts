import { AbortedError } from '../errors/aborted-error.js';
import { AllProvidersFailedError } from '../errors/all-providers-failed-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { systemClock, type Clock } from '../internal/clock.js';
import { sleep } from '../internal/sleep.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ChatClient } from './chat-client.js';

/** One item's outcome: never a thrown error, so one failure never fails the batch. */
export type BatchResult<T = ChatResponse> =
  { ok: true; response: T } | { ok: false; error: unknown };

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
  onProgress?: (
    progress: BatchProgress,
    settled?: { index: number; result: BatchResult<unknown> },
  ) => void;
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
/** First pause when providers are unavailable without a known end (a probe in flight); doubles per wait. */
const UNKNOWN_WAIT_MS = 250;
const MAX_UNKNOWN_WAIT_MS = 5_000;

/**
 * How long to pause before trying an item again, or undefined when its failure is its own. A
 * pause is due when no provider could take the request: the failover loop gave up with
 * `retryAfterMs` (every provider cooling or open), or every attempt was a skip (open circuits,
 * cooldowns, a half-open probe already in flight) — then with a doubling wait.
 */
function unavailableFor(error: unknown, waits: number): number | undefined {
  if (!AllProvidersFailedError.isInstance(error)) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const onlySkips =
    error.attempts.length > 0 && error.attempts.every((a) => a.skipped !== undefined);
  return onlySkips ? Math.min(UNKNOWN_WAIT_MS * 2 ** waits, MAX_UNKNOWN_WAIT_MS) : undefined;
}
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
  if (!Array.isArray(requests)) {
    throw new ValidationError([{ path: 'requests', message: 'must be an array of chat requests' }]);
  }
  return runEach(
    requests.length,
    (index, signal) => {
      const request = requests[index] as ChatRequest;
      const own = request.signal;
      const combined = signal && own ? AbortSignal.any([signal, own]) : (signal ?? own);
      return client.chatCompletion(combined ? { ...request, signal: combined } : request);
    },
    options,
  );
}

/**
 * The batch engine over any task: `task(index, signal)` for each index in [0, count), with the
 * concurrency, cooldown pauses, abort and progress of `runBatch` (which is this over chat calls).
 */
export async function runEach<T extends { costUsd?: number | undefined }>(
  count: number,
  task: (index: number, signal: AbortSignal | undefined) => Promise<T>,
  options: BatchOptions = {},
): Promise<BatchResult<T>[]> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError([{ path: 'concurrency', message: 'must be a positive integer' }]);
  }
  const clock = options.clock ?? systemClock;
  const maxWaits = options.maxCooldownWaits ?? DEFAULT_COOLDOWN_WAITS;
  const { signal } = options;
  const results: BatchResult<T>[] = new Array<BatchResult<T>>(count);
  const progress: BatchProgress = {
    total: count,
    done: 0,
    succeeded: 0,
    failed: 0,
    inFlight: 0,
    costUsd: 0,
  };
  let pausedUntil = 0;
  let next = 0;

  const report = (settled?: { index: number; result: BatchResult<T> }): void => {
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
  const settle = (index: number, result: BatchResult<T>): void => {
    results[index] = result;
    progress.done += 1;
    if (result.ok) {
      progress.succeeded += 1;
      progress.costUsd += result.response.costUsd ?? 0;
    } else progress.failed += 1;
    report({ index, result });
  };
  const aborted = (): BatchResult<T> => ({
    ok: false,
    error: new AbortedError(undefined, { cause: signal?.reason }),
  });

  const runItem = async (index: number): Promise<BatchResult<T>> => {
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
        return { ok: true, response: await task(index, signal) };
      } catch (error) {
        const waitMs = unavailableFor(error, waits);
        if (waitMs === undefined || waits >= maxWaits || signal?.aborted) {
          return { ok: false, error };
        }
        // Every provider is cooling or its circuit is open: hold all new work until one is back.
        pausedUntil = Math.max(pausedUntil, clock.now() + waitMs);
        report();
      } finally {
        progress.inFlight -= 1;
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      if (signal?.aborted) {
        settle(index, aborted());
        continue;
      }
      settle(index, await runItem(index));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  return results;
}
