import { z } from 'zod';
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
    /** A named preset (docs/configuration.md "Presets"); explicit options win over it. */
    preset: z.enum(PRESET_NAMES).optional(),
    providers: z.array(providerEntrySchema).min(1, 'must list at least one provider'),
    routes: z.record(z.string().min(1), routeSchema).default({}),
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
