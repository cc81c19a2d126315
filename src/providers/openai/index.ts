export * from './convert-to-openai-request.js';
export * from './map-openai-error.js';
export * from './map-openai-finish-reason.js';
export * from './map-openai-response.js';
export * from './openai-provider.js';
export * from './openai-wire.js';
export * from './map-openai-stream.js';
