export * from './chat-stream.js';
export * from './flexiai.js';
export * from './provider-status.js';
export * from './request-stats.js';
