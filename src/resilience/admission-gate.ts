import { AbortedError } from '../errors/aborted-error.js';
import { OverloadedError, type OverloadReason } from '../errors/overloaded-error.js';

export interface AdmissionLimits {
  /** Requests admitted at once. */
  maxInFlight: number;
  /** Requests waiting for a free place; beyond it a request is shed at once. 0: no queue. */
  maxQueued: number;
  /** Longest wait in the queue; then the request is shed. */
  queueTimeoutMs: number;
}

/** A place in the gate. Release it exactly once (later calls are ignored). */
export interface Lease {
  release(): void;
}

interface Waiter {
  grant(): void;
}

/** What a shed request is told to wait before trying again. */
const RETRY_AFTER_MS = 1_000;

/**
 * Admission control: at most `maxInFlight` requests at once (or fewer, while a `window` — slow
 * start — says so), at most `maxQueued` waiting in FIFO order, each for at most `queueTimeoutMs`.
 * Beyond those bounds the request fails at once with an OverloadedError, so load beyond capacity
 * is shed instead of piling up until every request times out. Synchronous when there is room.
 */
export class AdmissionGate {
  private inFlightCount = 0;
  private readonly waiters = new Set<Waiter>();
  private window: () => number = () => Infinity;

  constructor(
    readonly limits: Readonly<AdmissionLimits>,
    /** The provider this gate guards; absent for the client-wide gate. */
    readonly provider?: string,
  ) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  get queued(): number {
    return this.waiters.size;
  }

  /** Admitted at once now (slow start may hold it below `maxInFlight`). */
  get limit(): number {
    return Math.max(1, Math.min(this.limits.maxInFlight, this.window()));
  }

  /** Installs a concurrency window on top of `maxInFlight` (slow start); call `wake` when it grows. */
  setWindow(window: () => number): void {
    this.window = window;
  }

  /** A lease now, or `undefined` when the gate is full (no waiting). */
  tryEnter(): Lease | undefined {
    if (this.waiters.size > 0 || this.inFlightCount >= this.limit) return undefined;
    return this.lease();
  }

  /**
   * A lease: at once when there is room, after a wait in the queue otherwise. Rejects with an
   * OverloadedError when the queue is full or the wait exceeds `queueTimeoutMs`, with an
   * AbortedError when the signal aborts first.
   */
  enter(signal?: AbortSignal): Lease | Promise<Lease> {
    const now = this.tryEnter();
    if (now) return now;
    if (signal?.aborted)
      return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
    if (this.waiters.size >= this.limits.maxQueued) {
      return Promise.reject(
        this.overloaded(this.limits.maxQueued === 0 ? 'in_flight_limit' : 'queue_full'),
      );
    }
    return new Promise<Lease>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        grant: () => {
          finish();
          resolve(this.lease());
        },
      };
      const onAbort = (): void => {
        finish();
        reject(new AbortedError(undefined, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        finish();
        reject(this.overloaded('queue_timeout'));
      }, this.limits.queueTimeoutMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Admits queued requests while there is room (after a release, or when the window grew). */
  wake(): void {
    for (const waiter of this.waiters) {
      if (this.inFlightCount >= this.limit) return;
      waiter.grant();
    }
  }

  private lease(): Lease {
    this.inFlightCount += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlightCount -= 1;
        this.wake();
      },
    };
  }

  private overloaded(reason: OverloadReason): OverloadedError {
    // Shedding happens at a rate where a stack trace per refusal would cost more than the refusal.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return new OverloadedError(reason, { provider: this.provider, retryAfterMs: RETRY_AFTER_MS });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
