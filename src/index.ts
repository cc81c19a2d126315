// The supported public API of `flexiai`. Wire schemas, mappers, transport and sync internals are
// deliberately not exported: they change without notice (import them from source in tests).

// Client, streams, middleware and events
export * from './client/index.js';

// Configuration
export { parseConfig, type ParseConfigOptions } from './config/parse-config.js';
export { loadConfigFile } from './config/load-config.js';
export {
  configSchema,
  type FlexiAIConfig,
  type FlexiAIConfigInput,
  type LoggingConfig,
  type RetryConfig,
  type ServerConfig,
} from './config/config-schema.js';
export * from './config/defaults-config-schema.js';
export {
  providerConfigSchema,
  providerFields,
  type AnyProviderConfig,
  type AnyProviderConfigInput,
  type CustomProviderConfig,
  type AnthropicProviderConfig,
  type CircuitBreakerConfig,
  type GeminiProviderConfig,
  type OpenAICompatibleProviderConfig,
  type OpenAIProviderConfig,
  type ProviderConfig,
  type ProviderConfigInput,
  type ProviderType,
  type VertexAIProviderConfig,
} from './config/provider-config-schema.js';
export type {
  RedisSyncConfig,
  RedisSyncConfigInput,
  SyncConfig,
  SyncConfigInput,
} from './config/sync-config-schema.js';

// Cost: the model catalog, estimates, the ledger and budgets
export * from './cost/index.js';

// Errors
export * from './errors/index.js';

// Logging, time and secrets
export {
  createLogger,
  silentLogger,
  type CreateLoggerOptions,
  type Logger,
  type LogLevel,
} from './internal/logger.js';
export { systemClock, type Clock } from './internal/clock.js';
export { Secret, maskSecret } from './internal/secret.js';

// Providers: the interface, the registry and the built-in adapters
export type {
  HealthCheckResult,
  Provider,
  ProviderCallOptions,
  ProviderDeps,
  ProviderFactory,
  ProviderRequest,
} from './providers/provider.js';
export { ProviderRegistry, createDefaultProviderRegistry } from './providers/registry.js';
export { defineProviderModule, type ProviderModule } from './providers/provider-module.js';
export { OpenAIProvider, createOpenAIProvider } from './providers/openai/openai-provider.js';
export {
  AnthropicProvider,
  createAnthropicProvider,
} from './providers/anthropic/anthropic-provider.js';
export {
  GeminiProvider,
  createGeminiProvider,
  type GeminiProviderOptions,
} from './providers/gemini/gemini-provider.js';

// Circuit state and its sharing
export type {
  CircuitChangeEvent,
  CircuitChangeListener,
  CircuitChangeReason,
} from './resilience/circuit-breaker.js';
export {
  MemoryStateSync,
  type CircuitStateSync,
  type StateSyncContext,
  type StateSyncFactory,
  type SyncCounters,
  type SyncHealth,
  type SyncStatus,
} from './state/circuit-state-sync.js';
// Shared rate limits: the store interface (the Redis one is in flexiai/redis)
export type {
  RateLimits,
  SharedRateReply,
  SharedRateRequest,
  SharedRateStore,
} from './resilience/rate-limiter.js';
export type { RateStore } from './client/rate-limits.js';

// The response cache
export * from './cache/index.js';

// The simple API: ask, fn, the chat decorator and the global client
export * from './simple/index.js';

// The unified request, response and stream types
export * from './types/index.js';
