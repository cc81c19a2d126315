import type { Logger } from '../internal/logger.js';

/**
 * A request's logger, bound to its correlation id. The pino child is made on first use, so a
 * request that logs nothing pays nothing.
 */
export class RequestLog {
  private child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    readonly correlationId: string,
    /** Whether prompts and completions may be logged (off by default). */
    readonly logContent: boolean,
  ) {}

  get logger(): Logger {
    this.child ??= this.parent.child({ correlationId: this.correlationId });
    return this.child;
  }
}
