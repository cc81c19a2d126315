import { AdmissionGate, type AdmissionLimits, type Lease } from './admission-gate.js';
import type { CircuitBreaker, Permit } from './circuit-breaker.js';
import { SlowStart } from './slow-start.js';

export interface ProviderLimiterOptions extends AdmissionLimits {
  /** Ramp traffic up after the circuit closes (see SlowStart); off when false. */
  slowStart: false | { initialWindow: number };
}

/**
 * One provider's admission control: its gate (in-flight and queue bounds), and the slow start
 * that narrows the gate after the provider's circuit closes. Attached to the provider's breaker:
 * `admit` takes the breaker's permit and hands back one that also frees the gate's place — and
 * feeds the ramp — when it is settled, so callers settle one permit as before.
 */
export class ProviderLimiter {
  readonly gate: AdmissionGate;
  readonly slowStart: SlowStart | undefined;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(breaker: CircuitBreaker, options: ProviderLimiterOptions) {
    this.gate = new AdmissionGate(options, breaker.name);
    if (options.slowStart) {
      const slowStart = new SlowStart({
        initialWindow: options.slowStart.initialWindow,
        maxWindow: options.maxInFlight,
      });
      this.slowStart = slowStart;
      this.gate.setWindow(() => slowStart.window);
      this.unsubscribe = breaker.onStateChange((event) => {
        if (event.to === 'closed' && event.from !== 'closed' && event.reason !== 'reset') {
          slowStart.begin();
        } else if (event.to !== 'closed' || event.reason === 'reset') {
          slowStart.end();
          this.gate.wake();
        }
      });
    }
  }

  /**
   * Stops following the breaker's state (a reload replaced this limiter on a breaker it kept);
   * the calls it admitted are over by then.
   */
  async close(): Promise<void> {
    this.unsubscribe?.();
  }

  /**
   * Waits for a place for a call the breaker permitted. On overload (queue full, queue deadline)
   * or abort, the breaker permit is released (no verdict on the provider) and the error thrown.
   */
  admit(permit: Permit, signal?: AbortSignal): Permit | Promise<Permit> {
    let entered: Lease | Promise<Lease>;
    try {
      entered = this.gate.enter(signal);
    } catch (error) {
      permit.release();
      throw error;
    }
    if (!(entered instanceof Promise)) return this.bind(permit, entered);
    return entered.then(
      (lease) => this.bind(permit, lease),
      (error: unknown) => {
        permit.release();
        throw error;
      },
    );
  }

  private bind(permit: Permit, lease: Lease): Permit {
    const { slowStart } = this;
    let settled = false;
    const first = (): boolean => {
      if (settled) return false;
      settled = true;
      return true;
    };
    return {
      ok: true,
      probe: permit.probe,
      success: () => {
        if (!first()) return;
        lease.release();
        slowStart?.success();
        permit.success();
        this.gate.wake();
      },
      failure: () => {
        if (!first()) return;
        lease.release();
        slowStart?.failure();
        permit.failure();
      },
      release: () => {
        if (!first()) return;
        lease.release();
        permit.release();
      },
    };
  }
}

/** The limiter options of a provider's configuration (defaults for providers registered in code). */
export function providerLimits(
  config:
    | {
        maxConnections: number;
        limits: Partial<Omit<ProviderLimiterOptions, 'maxQueued'>> & { maxQueued: number };
      }
    | undefined,
): ProviderLimiterOptions {
  const limits = config?.limits;
  return {
    maxInFlight: limits?.maxInFlight ?? config?.maxConnections ?? 128,
    maxQueued: limits?.maxQueued ?? 1024,
    queueTimeoutMs: limits?.queueTimeoutMs ?? 30_000,
    slowStart: limits?.slowStart ?? { initialWindow: 2 },
  };
}
