import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** Which deadline expired: connecting, the response headers, a stream's first output, a silent stream, or the whole call. */
export type TimeoutPhase = 'connect' | 'first_byte' | 'first_output' | 'idle' | 'total';

/** A deadline of the call expired; the upstream request was aborted. */
export class TimeoutError extends ProviderError {
  static override readonly errorName: string = 'TimeoutError';
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;

  constructor(phase: TimeoutPhase, timeoutMs: number, options: ProviderErrorOptions) {
    super(`${phase.replace('_', '-')} timeout after ${timeoutMs} ms`, options, 'timeout_error');
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }

  protected override details(): Record<string, unknown> {
    return { ...super.details(), phase: this.phase, timeoutMs: this.timeoutMs };
  }
}
