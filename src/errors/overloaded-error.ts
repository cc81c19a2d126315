import { FlexiAIError, type FlexiAIErrorOptions } from './flexiai-error.js';

/**
 * Why a request was shed:
 * - `queue_full`: the bound on queued requests was reached; refused at once.
 * - `queue_timeout`: it waited its whole queue deadline without getting a slot (our own queue, or
 *   the provider's connection pool).
 * - `in_flight_limit`: the bound on requests in flight was reached and no queue is allowed.
 */
export type OverloadReason = 'queue_full' | 'queue_timeout' | 'in_flight_limit';

export interface OverloadedErrorOptions extends FlexiAIErrorOptions {
  /** The provider whose limit was hit; absent for the client-wide limit. */
  provider?: string | undefined;
  /** How long the caller should wait before trying again. */
  retryAfterMs?: number | undefined;
}

const describe: Record<OverloadReason, string> = {
  queue_full: 'too many requests queued',
  queue_timeout: 'no free slot within the queue deadline',
  in_flight_limit: 'too many requests in flight',
};

/**
 * We are overloaded, not the provider: the request was shed by admission control or waited too
 * long for a connection. Never counts against a circuit (failure class `overload`). The gateway
 * answers it with 503 and `Retry-After`.
 */
export class OverloadedError extends FlexiAIError {
  static override readonly errorName: string = 'OverloadedError';
  readonly reason: OverloadReason;
  readonly provider: string | undefined;
  readonly retryAfterMs: number;

  constructor(reason: OverloadReason, options: OverloadedErrorOptions = {}) {
    const where = options.provider === undefined ? 'FlexiAI' : options.provider;
    super('overloaded', `${where}: overloaded, ${describe[reason]}`, options);
    this.reason = reason;
    this.provider = options.provider;
    this.retryAfterMs = Math.max(0, Math.round(options.retryAfterMs ?? 1_000));
  }

  protected override details(): Record<string, unknown> {
    return {
      reason: this.reason,
      ...(this.provider === undefined ? {} : { provider: this.provider }),
      retryAfterMs: this.retryAfterMs,
    };
  }
}
