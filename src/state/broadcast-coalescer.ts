export interface BroadcastCoalescerOptions {
  /** At most one send per key per window; changes inside it are folded into the next send. */
  windowMs: number;
  /** Sends the latest value of `key`; one call at a time per key. */
  send(key: string): Promise<void>;
  now?: () => number;
}

interface KeyState {
  lastSentAt: number;
  timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  inFlight: boolean;
  dirty: boolean;
}

/**
 * Coalesces broadcasts per key (R11): the first change after a quiet window goes out at once
 * (leading edge, on the next turn of the event loop, never on the caller's stack); further
 * changes within the window are folded into one trailing send of the latest value; a send still
 * in flight is never overlapped. A flapping provider costs at most about one message per window.
 */
export class BroadcastCoalescer {
  private readonly options: BroadcastCoalescerOptions;
  private readonly now: () => number;
  private readonly keys = new Map<string, KeyState>();
  private closed = false;
  private scheduled = 0;
  private sent = 0;

  constructor(options: BroadcastCoalescerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Marks `key` as changed. Never waits and never throws. */
  notify(key: string): void {
    if (this.closed) return;
    this.scheduled += 1;
    const state = this.keys.get(key) ?? {
      lastSentAt: Number.NEGATIVE_INFINITY,
      timer: undefined,
      inFlight: false,
      dirty: false,
    };
    this.keys.set(key, state);
    if (state.inFlight || state.timer) {
      state.dirty = true;
      return;
    }
    const wait = state.lastSentAt + this.options.windowMs - this.now();
    // Leading edge on the next turn of the loop (setImmediate: a zero setTimeout costs 1 ms).
    state.timer =
      wait > 0
        ? setTimeout(() => void this.flush(key, state), wait)
        : setImmediate(() => void this.flush(key, state));
    state.timer.unref?.();
  }

  /** Changes notified, and sends made (the difference is what coalescing saved). */
  counts(): { notified: number; sent: number } {
    return { notified: this.scheduled, sent: this.sent };
  }

  /** Drops pending sends. */
  close(): void {
    this.closed = true;
    for (const state of this.keys.values()) {
      clearTimeout(state.timer as NodeJS.Timeout | undefined);
      clearImmediate(state.timer as NodeJS.Immediate | undefined);
    }
    this.keys.clear();
  }

  private async flush(key: string, state: KeyState): Promise<void> {
    state.timer = undefined;
    if (this.closed) return;
    state.inFlight = true;
    state.dirty = false;
    state.lastSentAt = this.now();
    this.sent += 1;
    try {
      await this.options.send(key);
    } catch {
      // The sender reports its own failures; the next change or resync retries.
    } finally {
      state.inFlight = false;
    }
    if (state.dirty && !this.closed) {
      state.dirty = false;
      this.scheduled -= 1; // the re-notify below is not a new change
      this.notify(key);
    }
  }
}
