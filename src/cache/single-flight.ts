import type { ChatResponse } from '../types/response.js';

/**
 * How a leader's call ended, as its followers see it: an answer to share, an upstream failure to
 * share (it would be theirs too), or an end that was the leader's own business (its caller
 * aborted, its stream was cut or abandoned) after which followers try again themselves.
 */
export type FlightResult =
  | { kind: 'answer'; response: ChatResponse }
  | { kind: 'failed'; error: unknown }
  | { kind: 'retry' };

/** What the first request for a key gets: it makes the call, then settles and frees the key. */
export interface LeadFlight {
  readonly leader: true;
  /**
   * Hands the result to the followers. A failure frees the key at once; an answer keeps it
   * taken (later arrivals get the answer too) until `done`, once the answer is stored.
   */
  settle(result: FlightResult): void;
  /** Frees the key (the answer is stored, or will not be). */
  done(): void;
}

export type Flight = LeadFlight | { leader: false; result: Promise<FlightResult> };

/**
 * One key's call in flight, and its leader's handle; the followers' promise is made only once a
 * follower waits (rarely). One object per miss: this runs on every request the cache misses.
 */
class Running implements LeadFlight {
  readonly leader = true as const;
  result: FlightResult | undefined = undefined;
  promise: Promise<FlightResult> | undefined = undefined;
  private resolve: ((result: FlightResult) => void) | undefined = undefined;

  constructor(
    private readonly flights: Map<string, Running>,
    private readonly key: string,
  ) {}

  settle(outcome: FlightResult): void {
    if (this.result) return;
    this.result = outcome;
    if (outcome.kind !== 'answer') this.done();
    this.resolve?.(outcome);
  }

  done(): void {
    if (this.flights.get(this.key) === this) this.flights.delete(this.key);
  }

  follow(): Promise<FlightResult> {
    if (this.result) return Promise.resolve(this.result);
    this.promise ??= new Promise<FlightResult>((resolve) => {
      this.resolve = resolve;
    });
    return this.promise;
  }
}

/**
 * Coalesces identical concurrent requests in this process: the first to ask for a key leads
 * (makes the call), the others follow (wait for its result). A key is free again once its
 * leader's answer is stored (or its call failed), so the next request reads the cache instead;
 * there is no moment when the answer is neither in flight nor stored.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Running>();

  get inFlight(): number {
    return this.flights.size;
  }

  join(key: string): Flight {
    const running = this.flights.get(key);
    if (running) return { leader: false, result: running.follow() };
    const flight = new Running(this.flights, key);
    this.flights.set(key, flight);
    return flight;
  }
}
