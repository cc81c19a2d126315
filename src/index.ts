export * from './client/index.js';
export * from './config/index.js';
export * from './cost/index.js';
export * from './errors/index.js';
export {
  createLogger,
  silentLogger,
  type CreateLoggerOptions,
  type Logger,
  type LogLevel,
} from './internal/logger.js';
export { systemClock, type Clock } from './internal/clock.js';
export { Secret, maskSecret } from './internal/secret.js';
export * from './providers/index.js';
export * from './resilience/index.js';
export * from './state/index.js';
export * from './types/index.js';
