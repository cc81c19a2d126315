import type { SkipReason } from '../types/attempt.js';
import { FlexiAIError } from './flexiai-error.js';

const describe: Record<SkipReason, string> = {
  circuit_open: 'circuit open',
  half_open_busy: 'circuit half-open, probe already in flight',
  cooldown: 'cooling down after a rate limit',
  context_window:
    'context window no larger than that of a provider that refused the prompt as too long',
  rate_limited: 'at its configured rate limit (requests or tokens per minute)',
};

/** A provider was passed over: its circuit is open, it is probing, cooling down, or at its rate limit. */
export class CircuitOpenError extends FlexiAIError {
  static override readonly errorName: string = 'CircuitOpenError';
  readonly provider: string;
  readonly reason: SkipReason;
  /** Epoch ms when the provider may be tried again, when known. */
  readonly retryAt: number | null;

  constructor(provider: string, reason: SkipReason, retryAt: number | null) {
    const until = retryAt === null ? '' : ` until ${new Date(retryAt).toISOString()}`;
    super('circuit_open', `${provider}: ${describe[reason]}${until}`);
    this.provider = provider;
    this.reason = reason;
    this.retryAt = retryAt;
  }

  protected override details(): Record<string, unknown> {
    return { provider: this.provider, reason: this.reason, retryAt: this.retryAt };
  }
}
