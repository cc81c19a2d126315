import { z } from 'zod';
import { cacheConfigSchema } from './cache-config-schema.js';
import { budgetSchema, DEFAULT_MEMORY_LEDGER_ENTRIES, ledgerSchema } from './cost-config-schema.js';
import { defaultsConfigSchema } from './defaults-config-schema.js';
import { pricingSchema } from './pricing-config-schema.js';
import { circuitBreakerSchema, providerEntrySchema } from './provider-config-schema.js';
import { PRESET_NAMES } from './presets.js';
import { effectiveRetry, retrySchema } from './retry-config-schema.js';
import { routeSchema, writtenAsList } from './route-config-schema.js';
import { secretSchema } from './secret-schema.js';
import { syncSchema } from './sync-config-schema.js';

const ms = () => z.number().int().positive();

/** A gateway key: a plain secret (its id is a hash), or `{ name, key }` (its id is the name). */
export const gatewayKeySchema = z.union([
  secretSchema,
  z.strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'),
    key: secretSchema,
  }),
]);

export const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(4000),
  /** Gateway keys; when set, every route but /livez, /readyz and the /dashboard page requires `Authorization: Bearer <key>`. */
  apiKeys: z.array(gatewayKeySchema).default([]),
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
    /** USD per 1M tokens by model id; overrides or extends the shipped catalog. */
    pricing: pricingSchema.default({}),
    /** Spending limits enforced before any upstream call. */
    budgets: z.array(budgetSchema).default([]),
    /** Where the cost of every billed attempt is recorded. */
    ledger: ledgerSchema.default({ backend: 'memory', maxEntries: DEFAULT_MEMORY_LEDGER_ENTRIES }),
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
    checkCostConfig(config, names, ctx);
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
  config: {
    providers: readonly EmbeddingFields[];
    routes: Record<string, { providers: readonly string[] }>;
  },
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
  for (const [route, { providers: members }] of Object.entries(config.routes)) {
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
export type { RetryConfig } from './retry-config-schema.js';
export { retrySchema } from './retry-config-schema.js';
export type ServerConfig = FlexiAIConfig['server'];
export type LoggingConfig = FlexiAIConfig['logging'];
export type ObservabilityConfig = FlexiAIConfig['observability'];
export type LimitsConfig = FlexiAIConfig['limits'];
export type GatewayKeyConfig = ServerConfig['apiKeys'][number];

type ConfigOutput = z.output<typeof configSchema>;

/** Budgets name real keys, routes and providers, once each; named gateway keys are unique. */
function checkCostConfig(
  config: Pick<ConfigOutput, 'budgets' | 'server' | 'routes' | 'ledger' | 'sync'>,
  providers: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const keyNames = new Set<string>();
  config.server.apiKeys.forEach((entry, i) => {
    if (!('name' in entry)) return;
    if (keyNames.has(entry.name)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate gateway key name "${entry.name}"`,
        path: ['server', 'apiKeys', i, 'name'],
      });
    }
    keyNames.add(entry.name);
  });
  const budgetNames = new Set<string>();
  config.budgets.forEach((budget, i) => {
    if (budgetNames.has(budget.name)) {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate budget name "${budget.name}"`,
        path: ['budgets', i, 'name'],
      });
    }
    budgetNames.add(budget.name);
    const { scope } = budget;
    if (scope === 'global') return;
    if ('key' in scope && !keyNames.has(scope.key) && !/^key-[0-9a-f]{12}$/.test(scope.key)) {
      ctx.addIssue({
        code: 'custom',
        message: `names no gateway key: "${scope.key}" (name it in server.apiKeys, or use its key-… id)`,
        path: ['budgets', i, 'scope', 'key'],
      });
    }
    if (
      'route' in scope &&
      scope.route !== 'default' &&
      !(scope.route in config.routes) &&
      !providers.has(scope.route)
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `names no route or provider: "${scope.route}"`,
        path: ['budgets', i, 'scope', 'route'],
      });
    }
    if ('provider' in scope && !providers.has(scope.provider)) {
      ctx.addIssue({
        code: 'custom',
        message: `names no configured provider: "${scope.provider}"`,
        path: ['budgets', i, 'scope', 'provider'],
      });
    }
  });
  if (config.ledger.backend === 'redis' && config.sync.backend !== 'redis') {
    ctx.addIssue({
      code: 'custom',
      message: 'backend "redis" needs sync.backend: redis (the ledger uses its connection)',
      path: ['ledger', 'backend'],
    });
  }
}
