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

/**
 * Coalesces identical concurrent requests in this process: the first to ask for a key leads
 * (makes the call), the others follow (wait for its result). A key is free again once its
 * leader's answer is stored (or its call failed), so the next request reads the cache instead;
 * there is no moment when the answer is neither in flight nor stored.
 */
export class SingleFlight {
  private readonly flights = new Map<string, Promise<FlightResult>>();

  get inFlight(): number {
    return this.flights.size;
  }

  join(key: string): Flight {
    const running = this.flights.get(key);
    if (running) return { leader: false, result: running };
    let resolve!: (result: FlightResult) => void;
    const result = new Promise<FlightResult>((r) => {
      resolve = r;
    });
    this.flights.set(key, result);
    let settled = false;
    const done = (): void => {
      if (this.flights.get(key) === result) this.flights.delete(key);
    };
    return {
      leader: true,
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        if (outcome.kind !== 'answer') done();
        resolve(outcome);
      },
      done,
    };
  }
}
