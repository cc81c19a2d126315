export * from './backoff.js';
export * from './circuit-breaker.js';
export * from './cooldown.js';
