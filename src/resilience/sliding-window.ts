/** One call counted in a window: when it started and the tokens it holds. */
export interface WindowEntry {
  readonly at: number;
  tokens: number;
  removed: boolean;
}

/** The bounds a window admits against; an absent bound is not checked. */
export interface WindowLimits {
  requests?: number | undefined;
  tokens?: number | undefined;
}

export type WindowDecision =
  | { ok: true; entry: WindowEntry }
  | {
      ok: false;
      /** Epoch ms when the entry that holds the place leaves the window. */
      retryAt: number;
    };

/**
 * A sliding window log in process memory: every admitted call is an entry with its start time and
 * tokens, counted while `now - at < windowMs`. So at most `requests` calls start in any interval
 * of `windowMs`, and their tokens stay within `tokens` (a window holding no call admits one call
 * whatever its tokens, or an oversized call could never run). Time comes from the caller, so it
 * runs on the client's clock (a fake one in tests). The same rule as the Redis script
 * (`RATE_RESERVE_LUA`), for the in-process limit and the fallback while Redis is unreachable.
 */
export class SlidingWindowLog {
  private entries: WindowEntry[] = [];
  private head = 0;
  private live = 0;
  private tokenSum = 0;

  constructor(readonly windowMs: number) {}

  /** Calls counted in the window at `now`. */
  count(now: number): number {
    this.trim(now);
    return this.live;
  }

  /** Tokens held in the window at `now`. */
  tokens(now: number): number {
    this.trim(now);
    return this.tokenSum;
  }

  /** Admits a call of `tokens` when both bounds allow it, else says when a place frees. */
  tryAdd(now: number, limits: WindowLimits, tokens: number): WindowDecision {
    this.trim(now);
    if (limits.requests !== undefined && this.live >= limits.requests) {
      // The entry whose departure leaves room for one more: the (live - limit + 1)-th oldest.
      return { ok: false, retryAt: this.nthLive(this.live - limits.requests) + this.windowMs };
    }
    if (limits.tokens !== undefined && this.live > 0 && this.tokenSum + tokens > limits.tokens) {
      // At least the oldest call's tokens free then (a lower bound of the wait).
      return { ok: false, retryAt: this.nthLive(0) + this.windowMs };
    }
    return { ok: true, entry: this.add(now, tokens) };
  }

  /** Counts a call without checking the bounds (one admitted elsewhere, e.g. by Redis). */
  add(now: number, tokens: number): WindowEntry {
    this.trim(now);
    const entry: WindowEntry = { at: now, tokens, removed: false };
    this.entries.push(entry);
    this.live += 1;
    this.tokenSum += tokens;
    return entry;
  }

  /** Corrects an entry's tokens (to the call's real usage); nothing once it left the window. */
  adjust(entry: WindowEntry, tokens: number): void {
    if (entry.removed) return;
    this.tokenSum += tokens - entry.tokens;
    entry.tokens = tokens;
  }

  /** Takes a call back out (it never reached the provider). */
  remove(entry: WindowEntry): void {
    if (entry.removed) return;
    entry.removed = true;
    this.live -= 1;
    this.tokenSum -= entry.tokens;
  }

  private nthLive(n: number): number {
    let seen = 0;
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i] as WindowEntry;
      if (entry.removed) continue;
      if (seen === n) return entry.at;
      seen += 1;
    }
    return Number.POSITIVE_INFINITY;
  }

  private trim(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head] as WindowEntry;
      if (!entry.removed && entry.at > cutoff) break;
      if (!entry.removed) {
        entry.removed = true;
        this.live -= 1;
        this.tokenSum -= entry.tokens;
      }
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
