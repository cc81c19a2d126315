import type { Attempt } from '../types/attempt.js';
import { FlexiAIError, serializeCause } from './flexiai-error.js';

const describeAttempt = (attempt: Attempt): string => {
  const reason = attempt.error?.message ?? (attempt.ok ? 'ok' : 'failed');
  // Provider errors already start with "<provider> (<model>): "; skips start with "<provider>: ".
  return reason.startsWith(attempt.provider) ? reason : `${attempt.provider}: ${reason}`;
};

/**
 * No provider could serve the request. `attempts` lists every call and skip in order, each with its
 * cause; `retryAfterMs` says when the earliest provider may be available again, when known.
 */
export class AllProvidersFailedError extends FlexiAIError {
  static override readonly errorName: string = 'AllProvidersFailedError';
  readonly attempts: readonly Attempt[];
  readonly retryAfterMs: number | undefined;

  constructor(attempts: Attempt[], retryAfterMs?: number) {
    const lines = attempts.length
      ? attempts.map((a) => `  - ${describeAttempt(a)}`).join('\n')
      : '  - no provider is configured for this route';
    super('all_providers_failed', `All providers failed:\n${lines}`, {
      cause: attempts.findLast((a) => a.error !== undefined)?.error,
    });
    this.attempts = attempts;
    this.retryAfterMs = retryAfterMs;
  }

  protected override details(): Record<string, unknown> {
    return {
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      attempts: this.attempts.map((a) => ({
        provider: a.provider,
        model: a.model,
        ok: a.ok,
        latencyMs: a.latencyMs,
        ...(a.skipped ? { skipped: a.skipped } : {}),
        ...(a.status === undefined ? {} : { status: a.status }),
        ...(a.error ? { error: serializeCause(a.error) } : {}),
      })),
    };
  }
}
