export * from './http-client.js';
export * from './map-transport-error.js';
export * from './decode-sse.js';
export * from './read-stream-text.js';
export * from './call-deadlines.js';
