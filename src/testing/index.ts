export * from './blackhole.js';
export * from './faults.js';
export * from './free-port.js';
export * from './gemini-sim-wire.js';
export * from './openai-sim-wire.js';
export * from './sim-wire.js';
export * from './sim-wires.js';
export * from './simulated-provider.js';
