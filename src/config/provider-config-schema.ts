import { z } from 'zod';
import { providerRetrySchema } from './retry-config-schema.js';
import { secretSchema } from './secret-schema.js';

const ms = () => z.number().int().positive();

export const circuitBreakerSchema = z.strictObject({
  /** Consecutive failures that open the circuit. */
  failureThreshold: z.number().int().positive().default(5),
  /** How long an open circuit refuses calls before admitting a probe. */
  recoveryTimeoutMs: ms().default(60_000),
  /** Probes admitted at once while half-open. */
  halfOpenMaxCalls: z.number().int().positive().default(1),
  /** A probe that has not reported after this long frees its slot. */
  probeTimeoutMs: ms().optional(),
});
export type CircuitBreakerConfig = z.output<typeof circuitBreakerSchema>;

/**
 * A provider's own breaker fields, with no defaults (zod's `.partial()` would keep them and so
 * override the global `circuitBreaker` with defaults): unset ones come from the global block.
 */
export const providerCircuitBreakerSchema = z.strictObject({
  failureThreshold: z.number().int().positive().optional(),
  recoveryTimeoutMs: ms().optional(),
  halfOpenMaxCalls: z.number().int().positive().optional(),
  probeTimeoutMs: ms().optional(),
});

/** Admission control for one provider: bounds on its calls in flight and queued (see docs/configuration.md). */
export const providerLimitsSchema = z.strictObject({
  /** Calls to this provider at once (default: maxConnections). Beyond it calls queue. */
  maxInFlight: z.number().int().positive().optional(),
  /** Calls waiting for a place; beyond it a call is shed at once (fails over, or 503). */
  maxQueued: z.number().int().min(0).default(1024),
  /** Longest wait for a place, and for a pooled connection; then the call is shed as overload. */
  queueTimeoutMs: ms().default(30_000),
  /** After the circuit closes, calls ramp up from this many at once (+1 per success); `false` turns it off. */
  slowStart: z
    .union([
      z.literal(false),
      z.strictObject({ initialWindow: z.number().int().positive().default(2) }),
    ])
    .default({ initialWindow: 2 }),
  /**
   * Calls started per minute, a true sliding-window bound: at most this many in any 60 s.
   * Counted across every worker and host through Redis with `sync.backend: redis`, else per process.
   */
  requestsPerMinute: z.number().int().positive().optional(),
  /**
   * Tokens per minute (prompt + completion), same window: each call reserves its prompt estimate
   * plus `maxTokens` (or 1,024) before it starts and is corrected to its reported usage after.
   */
  tokensPerMinute: z.number().int().positive().optional(),
  /**
   * At its limit the provider is passed over like a cooling one (`failover`, the default), or the
   * request waits for it (`wait`) when a place frees within `maxWaitMs` and the retry budget.
   */
  onLimit: z.enum(['failover', 'wait']).default('failover'),
  /** With `onLimit: wait`, the longest wait for a place before passing over the provider. */
  maxWaitMs: ms().default(2_000),
});
export type ProviderLimitsConfig = z.output<typeof providerLimitsSchema>;

export const providerTypeSchema = z.enum([
  'openai',
  'anthropic',
  'vertexai',
  'gemini',
  'openai-compatible',
]);
export type ProviderType = z.infer<typeof providerTypeSchema>;

/** Fields every provider type accepts (a provider module's schema spreads them). */
export const providerFields = {
  /** Unique; used in routes, status, logs and the gateway's x-flexiai-provider header. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, . _ or -'),
  model: z.string().min(1),
  /** Other model ids this provider serves; a request naming one is routed here with that model. */
  models: z.array(z.string().min(1)).optional(),
  /** The embedding model this provider serves to `ai.embed` (absent: no embeddings from this provider). */
  embeddingModel: z.string().min(1).optional(),
  /** Output dimensions of its embeddings (sent upstream); providers fail over only to the same model and dimensions. */
  embeddingDimensions: z.number().int().positive().max(65_536).optional(),
  /** Context window (tokens) of this provider's models, for `failoverOn: [context_length]` (default: a built-in table). */
  contextWindow: z.number().int().positive().optional(),
  /** Lower is tried first; defaults to the position in the list. */
  priority: z.number().int().optional(),
  enabled: z.boolean().default(true),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Deadline of the whole call. */
  timeoutMs: ms().default(60_000),
  /** Deadline to establish the TCP/TLS connection. */
  connectTimeoutMs: ms().default(5_000),
  /** Deadline for the response headers (defaults to timeoutMs; streams use it for first output too). */
  firstByteTimeoutMs: ms().optional(),
  /** A stream that produced no text or tool call this long after the request is failed over (default: timeoutMs). */
  firstOutputTimeoutMs: ms().optional(),
  /** A stream silent for this long is aborted. */
  idleTimeoutMs: ms().default(30_000),
  /** Responses larger than this are aborted. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024 * 1024),
  /** Pooled keep-alive connections to this provider. */
  maxConnections: z.number().int().positive().default(128),
  /** Extra headers sent with every request to this provider. */
  headers: z.record(z.string(), z.string()).optional(),
  /** This provider's circuit breaker; unset fields come from the global `circuitBreaker`. */
  circuitBreaker: providerCircuitBreakerSchema.optional(),
  /** This provider's retry policy (maxAttempts, cooldowns); unset fields come from the global `retry`. */
  retry: providerRetrySchema.optional(),
  limits: providerLimitsSchema.default(providerLimitsSchema.parse({})),
  /** Health checks are cached this long. */
  healthCheckTtlMs: ms().default(60_000),
};

export const openAIProviderSchema = z.strictObject({
  ...providerFields,
  type: z.literal('openai'),
  apiKey: secretSchema,
  organization: z.string().optional(),
  project: z.string().optional(),
});

export const openAICompatibleProviderSchema = z.strictObject({
  ...providerFields,
  type: z.literal('openai-compatible'),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  apiKey: secretSchema.optional(),
  /** Header that carries the key: `authorization` (as `Bearer <key>`, the default) or e.g. `api-key` (Azure). */
  authHeader: z.string().min(1).default('authorization'),
  /** Query parameters added to every URL, e.g. `{ "api-version": "2024-10-21" }` for Azure. */
  queryParams: z.record(z.string(), z.string()).optional(),
});

export const anthropicProviderSchema = z.strictObject({
  ...providerFields,
  type: z.literal('anthropic'),
  apiKey: secretSchema,
  anthropicVersion: z.string().default('2023-06-01'),
  /** Sent as max_tokens when the request sets none (Anthropic requires it). */
  defaultMaxTokens: z.number().int().positive().default(4096),
});

export const geminiProviderSchema = z.strictObject({
  ...providerFields,
  type: z.literal('gemini'),
  apiKey: secretSchema,
});

export const vertexAIProviderSchema = z.strictObject({
  ...providerFields,
  type: z.literal('vertexai'),
  project: z.string().min(1),
  location: z.string().min(1).default('us-central1'),
  /** A static OAuth access token (tests, short jobs); otherwise Google credentials are used. */
  accessToken: secretSchema.optional(),
  /** Path of a service-account JSON file; otherwise Application Default Credentials. */
  credentialsFile: z.string().min(1).optional(),
});

export const providerConfigSchema = z.discriminatedUnion('type', [
  openAIProviderSchema,
  openAICompatibleProviderSchema,
  anthropicProviderSchema,
  geminiProviderSchema,
  vertexAIProviderSchema,
]);

export type ProviderConfigInput = z.input<typeof providerConfigSchema>;
export type ProviderConfig = z.output<typeof providerConfigSchema>;
export type OpenAIProviderConfig = z.output<typeof openAIProviderSchema>;
export type OpenAICompatibleProviderConfig = z.output<typeof openAICompatibleProviderSchema>;
export type AnthropicProviderConfig = z.output<typeof anthropicProviderSchema>;
export type GeminiProviderConfig = z.output<typeof geminiProviderSchema>;
export type VertexAIProviderConfig = z.output<typeof vertexAIProviderSchema>;

const BUILT_IN_TYPES: ReadonlySet<string> = new Set(providerTypeSchema.options);

/**
 * A provider of a type registered at run time (`ProviderRegistry.register(module)`): the common
 * fields are checked here, the rest by the module's own `configSchema` when the client is made.
 */
export const customProviderSchema = z.looseObject({
  ...providerFields,
  type: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits, . _ or -'),
});
export type CustomProviderConfigInput = z.input<typeof customProviderSchema>;
export type CustomProviderConfig = z.output<typeof customProviderSchema>;

/** A provider entry of any type, built in or registered. */
export type AnyProviderConfig = ProviderConfig | CustomProviderConfig;
export type AnyProviderConfigInput = ProviderConfigInput | CustomProviderConfigInput;

/** True for the provider types FlexiAI ships. */
export const isBuiltInProviderType = (type: string): type is ProviderType =>
  BUILT_IN_TYPES.has(type);

/**
 * One entry of `providers`: a built-in type is validated in full by its schema; any other type by
 * the common fields (its module validates the rest). Issues keep their field paths.
 */
export const providerEntrySchema = z.unknown().transform((value, ctx) => {
  const type = (value as { type?: unknown } | null)?.type;
  const schema =
    typeof type === 'string' && !isBuiltInProviderType(type)
      ? customProviderSchema
      : providerConfigSchema;
  const result = schema.safeParse(value);
  if (result.success) return result.data as AnyProviderConfig;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
}) as unknown as z.ZodType<AnyProviderConfig, AnyProviderConfigInput>;
