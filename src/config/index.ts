export * from './cache-config-schema.js';
export * from './config-schema.js';
export * from './defaults-config-schema.js';
export * from './env-overrides.js';
export * from './load-config.js';
export * from './parse-config.js';
export * from './provider-config-schema.js';
export * from './sync-config-schema.js';
