export * from './circuit-state-sync.js';
