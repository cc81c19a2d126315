export * from './admission-gate.js';
export * from './backoff.js';
export * from './circuit-breaker.js';
export * from './cooldown.js';
export * from './provider-limiter.js';
export * from './slow-start.js';
