export * from './anthropic/index.js';
export * from './gemini/index.js';
export * from './openai/index.js';
export * from './provider.js';
export * from './registry.js';
