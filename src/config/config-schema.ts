import { z } from 'zod';
import { defaultsConfigSchema } from './defaults-config-schema.js';
import { circuitBreakerSchema, providerEntrySchema } from './provider-config-schema.js';
import { secretSchema } from './secret-schema.js';
import { syncSchema } from './sync-config-schema.js';

const ms = () => z.number().int().positive();

export const retrySchema = z.strictObject({
  /** Most calls one request makes to any one provider (the first call included). */
  maxAttempts: z.number().int().positive().default(3),
  /** Backoff before the n-th pass over the providers: full jitter up to initialDelayMs x 2^(n-1). */
  initialDelayMs: ms().default(250),
  maxDelayMs: ms().default(8_000),
  /** Total time a request may spend waiting between passes (backoff and Retry-After). */
  budgetMs: ms().default(30_000),
  /** Cooldown after a 429 that carries no Retry-After. */
  defaultCooldownMs: ms().default(1_000),
  /** A Retry-After longer than this is capped. */
  maxCooldownMs: ms().default(300_000),
});

export const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(4000),
  /** Gateway keys; when set, every route but /health requires `Authorization: Bearer <key>`. */
  apiKeys: z.array(secretSchema).default([]),
  bodyLimitBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** A request (headers and body) not fully received within this is cut off (slow clients, B6). */
  requestTimeoutMs: ms().default(30_000),
  /** Request headers not received within this are cut off. */
  headersTimeoutMs: ms().default(10_000),
  keepAliveTimeoutMs: ms().default(5_000),
  /** On SIGTERM, in-flight requests get this long to finish before connections are closed. */
  shutdownTimeoutMs: ms().default(10_000),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Log prompts and completions (debug level). Off by default. */
  logContent: z.boolean().default(false),
});

export const configSchema = z
  .strictObject({
    providers: z.array(providerEntrySchema).min(1, 'must list at least one provider'),
    routes: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
    circuitBreaker: circuitBreakerSchema.default(circuitBreakerSchema.parse({})),
    retry: retrySchema.default(retrySchema.parse({})),
    sync: syncSchema.default({ backend: 'memory' }),
    server: serverSchema.default(serverSchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    /** Request defaults (system prompt, sampling, max tokens), per route on top. */
    defaults: defaultsConfigSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.providers.forEach((provider, i) => {
      if (names.has(provider.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate provider name "${provider.name}"`,
          path: ['providers', i, 'name'],
        });
      }
      names.add(provider.name);
    });
    for (const [route, members] of Object.entries(config.routes)) {
      if (names.has(route)) {
        ctx.addIssue({
          code: 'custom',
          message: `route "${route}" has the name of a provider`,
          path: ['routes', route],
        });
      }
      members.forEach((member, i) => {
        if (!names.has(member)) {
          ctx.addIssue({
            code: 'custom',
            message: `names no configured provider: "${member}"`,
            path: ['routes', route, i],
          });
        }
      });
    }
    checkEmbeddingConfig(config, ctx);
    for (const route of Object.keys(config.defaults?.routes ?? {})) {
      if (route !== 'default' && !(route in config.routes) && !names.has(route)) {
        ctx.addIssue({
          code: 'custom',
          message: `names no route or provider: "${route}"`,
          path: ['defaults', 'routes', route],
        });
      }
    }
    if (config.retry.initialDelayMs > config.retry.maxDelayMs) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed retry.maxDelayMs',
        path: ['retry', 'initialDelayMs'],
      });
    }
  });

interface EmbeddingFields {
  name: string;
  type: string;
  embeddingModel?: string | undefined;
  embeddingDimensions?: number | undefined;
}

/**
 * Embeddings are only comparable within one model and one dimension count: a provider type with
 * no embeddings API (Anthropic) may not declare an embedding model, `embeddingDimensions` needs an
 * `embeddingModel`, and a route whose providers embed with different models or dimensions is
 * rejected (its failover would mix vector spaces).
 */
function checkEmbeddingConfig(
  config: { providers: readonly EmbeddingFields[]; routes: Record<string, string[]> },
  ctx: z.RefinementCtx,
): void {
  const byName = new Map(config.providers.map((p) => [p.name, p]));
  config.providers.forEach((provider, i) => {
    if (provider.type === 'anthropic' && provider.embeddingModel !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'Anthropic has no embeddings API; remove embeddingModel from this provider',
        path: ['providers', i, 'embeddingModel'],
      });
    }
    if (provider.embeddingDimensions !== undefined && provider.embeddingModel === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'embeddingDimensions needs an embeddingModel',
        path: ['providers', i, 'embeddingDimensions'],
      });
    }
  });
  for (const [route, members] of Object.entries(config.routes)) {
    let first: { name: string; space: string } | undefined;
    members.forEach((member, i) => {
      const provider = byName.get(member);
      if (!provider?.embeddingModel) return;
      const space = `${provider.embeddingModel} (${provider.embeddingDimensions ?? 'default'} dimensions)`;
      if (!first) first = { name: member, space };
      else if (first.space !== space) {
        ctx.addIssue({
          code: 'custom',
          message: `embeds with ${space}, but "${first.name}" in the same route embeds with ${first.space}; vectors of different models or dimensions cannot fail over to each other`,
          path: ['routes', route, i],
        });
      }
    });
  }
}

/** Configuration as users write it (object, JSON or YAML). */
export type FlexiAIConfigInput = z.input<typeof configSchema>;
/** Configuration after validation and defaults. */
export type FlexiAIConfig = z.output<typeof configSchema>;
export type RetryConfig = FlexiAIConfig['retry'];
export type ServerConfig = FlexiAIConfig['server'];
export type LoggingConfig = FlexiAIConfig['logging'];
