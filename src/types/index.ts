export * from './attempt.js';
export * from './circuit.js';
export * from './content-part.js';
export * from './finish-reason.js';
export * from './message.js';
export * from './reasoning.js';
export * from './request.js';
export * from './response.js';
export * from './stream-chunk.js';
export * from './tool.js';
export * from './usage.js';
export type {
  EmbedRequest,
  EmbedResponse,
  ProviderEmbedRequest,
  ProviderEmbedResult,
} from './embedding.js';
