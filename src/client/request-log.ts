import { isLevelEnabled, type Logger, type LogLevel } from '../internal/logger.js';

type LogArgs = [message: string] | [bindings: Record<string, unknown>, message?: string];

/**
 * A request's logger, bound to its correlation id. It is itself a Logger, handed to providers as
 * is: the pino child behind it is made on the first line logged, so a request that logs nothing
 * (the usual successful call) pays nothing for it.
 */
export class RequestLog implements Logger {
  private bound: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    readonly correlationId: string,
    /** Whether prompts and completions may be logged (off by default). */
    readonly logContent: boolean,
  ) {}

  /** The child logger carrying the correlation id (made now if it was not yet). */
  get logger(): Logger {
    this.bound ??= this.parent.child({ correlationId: this.correlationId });
    return this.bound;
  }

  get level(): string {
    return this.parent.level;
  }

  trace(...args: LogArgs): void {
    (this.logger.trace as (...a: LogArgs) => void)(...args);
  }

  debug(...args: LogArgs): void {
    (this.logger.debug as (...a: LogArgs) => void)(...args);
  }

  info(...args: LogArgs): void {
    (this.logger.info as (...a: LogArgs) => void)(...args);
  }

  warn(...args: LogArgs): void {
    (this.logger.warn as (...a: LogArgs) => void)(...args);
  }

  error(...args: LogArgs): void {
    (this.logger.error as (...a: LogArgs) => void)(...args);
  }

  child(bindings: Record<string, unknown>): Logger {
    return this.logger.child(bindings);
  }

  isLevelEnabled(level: string): boolean {
    return isLevelEnabled(this.parent, level as LogLevel);
  }
}
