export { runBatch, type BatchOptions, type BatchProgress, type BatchResult } from './batch.js';
export * from './chat-client.js';
export {
  ChatStream,
  type StreamCommit,
  type StreamController,
  type StreamObserver,
  type StreamSource,
} from './chat-stream.js';
export { diagnosticsChannels } from './client-events.js';
export * from './event-types.js';
export * from './flexiai.js';
export * from './middleware/chat-middleware.js';
export * from './middleware/defaults-middleware.js';
export * from './middleware/logging-middleware.js';
export * from './provider-status.js';
export * from './request-context.js';
export type { ProviderStats, RequestStats } from './request-stats.js';
