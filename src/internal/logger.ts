import { pino } from 'pino';

type LogFn = {
  (message: string): void;
  (bindings: Record<string, unknown>, message?: string): void;
};

/** The logging surface FlexiAI uses: a subset of pino's, so pino, or anything shaped like it, plugs in. */
export interface Logger {
  level: string;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled?(level: string): boolean;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Field names whose values are always replaced in log lines, wherever they appear in a logged
 * object: credentials that might be attached to a request, an error or a config section.
 */
export const REDACTED_LOG_PATHS = [
  'apiKey',
  'accessToken',
  'password',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers["x-goog-api-key"]',
  '*.apiKey',
  '*.accessToken',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["api-key"]',
  '*.headers["x-goog-api-key"]',
];

export interface CreateLoggerOptions {
  level?: LogLevel;
  name?: string;
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** The default logger: pino with JSON lines and credential redaction. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const config = {
    level: options.level ?? 'info',
    name: options.name ?? 'flexiai',
    redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    base: undefined,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

const noop = (): void => undefined;

/** A logger that drops everything. */
export const silentLogger: Logger = {
  level: 'silent',
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/** True when `level` would be written; for guarding work done only to build a log line. */
export function isLevelEnabled(logger: Logger, level: LogLevel): boolean {
  return logger.isLevelEnabled ? logger.isLevelEnabled(level) : logger.level !== 'silent';
}
