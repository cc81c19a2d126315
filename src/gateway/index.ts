export * from './create-gateway.js';
export * from './map-error-to-http.js';
export * from './start-gateway.js';
