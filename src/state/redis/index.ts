export * from './create-redis-client.js';
export * from './redis-keys.js';
export * from './redis-state-sync.js';
export * from './redis-cost-store.js';
export * from './redis-rate-limit-store.js';
