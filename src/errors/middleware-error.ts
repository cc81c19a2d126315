import { FlexiAIError } from './flexiai-error.js';

/**
 * A middleware failed with an error of its own (not a FlexiAI error, not one from the call it
 * wrapped). Names the middleware; the original error is the `cause`. No provider is blamed for it.
 */
export class MiddlewareError extends FlexiAIError {
  static override readonly errorName: string = 'MiddlewareError';
  readonly middleware: string;

  constructor(middleware: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('middleware_error', `Middleware "${middleware}" failed: ${detail}`, { cause });
    this.middleware = middleware;
  }

  protected override details(): Record<string, unknown> {
    return { middleware: this.middleware };
  }
}
