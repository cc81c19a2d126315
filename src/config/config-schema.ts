import { z } from 'zod';
import { cacheConfigSchema } from './cache-config-schema.js';
import { defaultsConfigSchema } from './defaults-config-schema.js';
import { circuitBreakerSchema, providerEntrySchema } from './provider-config-schema.js';
import { PRESET_NAMES } from './presets.js';
import { effectiveRetry, retrySchema } from './retry-config-schema.js';
import { routeSchema, writtenAsList } from './route-config-schema.js';
import { secretSchema } from './secret-schema.js';
import { syncSchema } from './sync-config-schema.js';

const ms = () => z.number().int().positive();

export const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(4000),
  /** Gateway keys; when set, every route but /livez, /readyz and the /dashboard page requires `Authorization: Bearer <key>`. */
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
  /**
   * Refuse (400) an OpenAI request field that a provider of the route cannot honour, instead of
   * dropping it for that provider and naming it in the `x-flexiai-dropped-params` header.
   */
  strictParams: z.boolean().default(false),
  /** On SIGTERM, in-flight requests get this long to finish before connections are closed. */
  shutdownTimeoutMs: ms().default(10_000),
  metrics: z
    .strictObject({
      /** Serve GET /metrics without the gateway key (for a scraper inside a trusted network). */
      public: z.boolean().default(false),
    })
    .default({ public: false }),
});

export const observabilitySchema = z.strictObject({
  /** Collect metrics from the client's events (`ai.getMetrics()`, the gateway's /metrics). */
  metrics: z.boolean().default(true),
  tracing: z
    .strictObject({
      /** OpenTelemetry spans per request and attempt; needs `@opentelemetry/api` installed. */
      enabled: z.boolean().default(false),
      /** Put prompts and completions on spans (gen_ai.input/output.messages). Off by default. */
      captureContent: z.boolean().default(false),
    })
    .default({ enabled: false, captureContent: false }),
});

/** Client-wide admission control: every request from start to end (streams until they end). */
export const limitsSchema = z.strictObject({
  /** Requests in flight at once, over every provider. */
  maxInFlight: z.number().int().positive().default(10_000),
  /** Requests waiting for a place; 0 (default): beyond maxInFlight a request is shed at once. */
  maxQueued: z.number().int().min(0).default(0),
  /** Longest wait for a place. */
  queueTimeoutMs: ms().default(30_000),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Log prompts and completions (debug level). Off by default. */
  logContent: z.boolean().default(false),
});

export const configSchema = z
  .strictObject({
    /** A named preset (docs/configuration.md "Presets"); explicit options win over it. */
    preset: z.enum(PRESET_NAMES).optional(),
    providers: z.array(providerEntrySchema).min(1, 'must list at least one provider'),
    routes: z.record(z.string().min(1), routeSchema).default({}),
    circuitBreaker: circuitBreakerSchema.default(circuitBreakerSchema.parse({})),
    retry: retrySchema.default(retrySchema.parse({})),
    limits: limitsSchema.default(limitsSchema.parse({})),
    sync: syncSchema.default({ backend: 'memory' }),
    server: serverSchema.default(serverSchema.parse({})),
    logging: loggingSchema.default(loggingSchema.parse({})),
    observability: observabilitySchema.default(observabilitySchema.parse({})),
    /** Request defaults (system prompt, sampling, max tokens), per route on top. */
    defaults: defaultsConfigSchema.optional(),
    /** Response cache (exact match, memory or Redis); off when absent. */
    cache: cacheConfigSchema.optional(),
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
      const listed = (i: number) => (writtenAsList.has(members) ? [i] : ['providers', i]);
      members.providers.forEach((member, i) => {
        if (!names.has(member)) {
          ctx.addIssue({
            code: 'custom',
            message: `names no configured provider: "${member}"`,
            path: ['routes', route, ...listed(i)],
          });
        }
      });
      for (const weighted of Object.keys(members.weights ?? {})) {
        if (!members.providers.includes(weighted)) {
          ctx.addIssue({
            code: 'custom',
            message: `names no provider of this route: "${weighted}"`,
            path: ['routes', route, 'weights', weighted],
          });
        }
      }
    }
    for (const route of Object.keys(config.defaults?.routes ?? {})) {
      if (route !== 'default' && !(route in config.routes) && !names.has(route)) {
        ctx.addIssue({
          code: 'custom',
          message: `names no route or provider: "${route}"`,
          path: ['defaults', 'routes', route],
        });
      }
    }
    const routeNames = new Set(['default', ...names, ...Object.keys(config.routes)]);
    for (const provider of config.providers) {
      routeNames.add(provider.model);
      for (const model of provider.models ?? []) routeNames.add(model);
    }
    config.cache?.routes?.forEach((route, i) => {
      const slash = route.indexOf('/');
      if (!routeNames.has(route) && !(slash > 0 && names.has(route.slice(0, slash)))) {
        ctx.addIssue({
          code: 'custom',
          message: `names no route, provider or model: "${route}"`,
          path: ['cache', 'routes', i],
        });
      }
    });
    config.cache?.providers?.forEach((provider, i) => {
      if (!names.has(provider)) {
        ctx.addIssue({
          code: 'custom',
          message: `names no configured provider: "${provider}"`,
          path: ['cache', 'providers', i],
        });
      }
    });
    if (config.retry.initialDelayMs > config.retry.maxDelayMs) {
      ctx.addIssue({
        code: 'custom',
        message: 'must not exceed retry.maxDelayMs',
        path: ['retry', 'initialDelayMs'],
      });
    }
    // A provider's policies are checked as they will run: its own fields on top of the global ones.
    config.providers.forEach((provider, i) => {
      const retry = effectiveRetry(config.retry, provider.retry);
      if (provider.retry && retry.defaultCooldownMs > retry.maxCooldownMs) {
        ctx.addIssue({
          code: 'custom',
          message: `must not exceed maxCooldownMs (${retry.maxCooldownMs})`,
          path: ['providers', i, 'retry', 'defaultCooldownMs'],
        });
      }
      const timeout = provider.timeoutMs;
      for (const field of ['firstByteTimeoutMs', 'firstOutputTimeoutMs'] as const) {
        const value = provider[field];
        if (value !== undefined && value > timeout) {
          ctx.addIssue({
            code: 'custom',
            message: `must not exceed the provider's timeoutMs (${timeout})`,
            path: ['providers', i, field],
          });
        }
      }
    });
  });

/** Configuration as users write it (object, JSON or YAML). */
export type FlexiAIConfigInput = z.input<typeof configSchema>;
/** Configuration after validation and defaults. */
export type FlexiAIConfig = z.output<typeof configSchema>;
export type { RetryConfig } from './retry-config-schema.js';
export { retrySchema } from './retry-config-schema.js';
export type ServerConfig = FlexiAIConfig['server'];
export type LoggingConfig = FlexiAIConfig['logging'];
export type ObservabilityConfig = FlexiAIConfig['observability'];
export type LimitsConfig = FlexiAIConfig['limits'];
