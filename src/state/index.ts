export * from './broadcast-coalescer.js';
export * from './circuit-record.js';
export * from './circuit-state-sync.js';
export * from './probe-claim-gate.js';
export * from './sync-message.js';
export * from './worker-id.js';
