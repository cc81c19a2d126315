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

export type Flight =
  | {
      leader: true;
      /**
       * Hands the result to the followers. A failure frees the key at once; an answer keeps it
       * taken (later arrivals get the answer too) until `done`, once the answer is stored.
       */
      settle(result: FlightResult): void;
      /** Frees the key (the answer is stored, or will not be). */
      done(): void;
    }
  | { leader: false; result: Promise<FlightResult> };

/** One key's call in flight; its promise is made only once a follower waits (rarely). */
interface Running {
  result: FlightResult | undefined;
  promise: Promise<FlightResult> | undefined;
  resolve: ((result: FlightResult) => void) | undefined;
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
    if (running) return { leader: false, result: this.follow(running) };
    const flight: Running = { result: undefined, promise: undefined, resolve: undefined };
    this.flights.set(key, flight);
    const done = (): void => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    return {
      leader: true,
      settle: (outcome) => {
        if (flight.result) return;
        flight.result = outcome;
        if (outcome.kind !== 'answer') done();
        flight.resolve?.(outcome);
      },
      done,
    };
  }

  private follow(flight: Running): Promise<FlightResult> {
    if (flight.result) return Promise.resolve(flight.result);
    flight.promise ??= new Promise<FlightResult>((resolve) => {
      flight.resolve = resolve;
    });
    return flight.promise;
  }
}
