export interface SlowStartOptions {
  /** Concurrent calls allowed right after the circuit closes. */
  initialWindow: number;
  /** The window at which slow start ends (the provider's `maxInFlight`). */
  maxWindow: number;
}

/**
 * A concurrency window that ramps traffic back up after a circuit closes, instead of releasing a
 * whole backlog onto a provider that just recovered. It starts at `initialWindow`, grows by one per
 * success (so it doubles each round trip) and ends at `maxWindow`; a failure during the ramp halves
 * it (never below `initialWindow`). Inactive, it imposes no limit.
 */
export class SlowStart {
  private current = Infinity;

  constructor(private readonly options: SlowStartOptions) {}

  /** The window now: `Infinity` when not ramping. */
  get window(): number {
    return this.current;
  }

  get active(): boolean {
    return this.current !== Infinity;
  }

  /** Starts (or restarts) the ramp. */
  begin(): void {
    this.current = Math.min(this.options.initialWindow, this.options.maxWindow);
    if (this.current >= this.options.maxWindow) this.current = Infinity;
  }

  /** A call succeeded: the window grows; the ramp ends at `maxWindow`. */
  success(): void {
    if (!this.active) return;
    this.current += 1;
    if (this.current >= this.options.maxWindow) this.current = Infinity;
  }

  /** A call failed against the provider: the window halves. */
  failure(): void {
    if (!this.active) return;
    this.current = Math.max(this.options.initialWindow, Math.floor(this.current / 2));
  }

  /** Ends the ramp at once (the circuit opened again, or was reset). */
  end(): void {
    this.current = Infinity;
  }
}
