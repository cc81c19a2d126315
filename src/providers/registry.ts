import {
  isBuiltInProviderType,
  type AnyProviderConfig,
  type ProviderConfig,
} from '../config/provider-config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { toPathIssues } from '../internal/zod-issues.js';
import { anthropicModule } from './anthropic/anthropic-module.js';
import { geminiModule, vertexAIModule } from './gemini/gemini-module.js';
import { openAICompatibleModule, openAIModule } from './openai/openai-module.js';
import type { Provider, ProviderDeps, ProviderFactory } from './provider.js';
import type { ProviderModule } from './provider-module.js';
import { checkProviderConfig } from './shared/check-provider-config.js';

type AnyModule = ProviderModule<{ type: string; name: string }>;

/** Provider modules by type. The client creates every configured provider through one of these. */
export class ProviderRegistry {
  private readonly modules = new Map<string, AnyModule>();

  /** Adds or replaces a provider type: a module, or (older form) a type and a factory. */
  register<C extends { type: string; name: string }>(module: ProviderModule<C>): this;
  register<C extends ProviderConfig>(type: C['type'], factory: ProviderFactory<C>): this;
  register(
    moduleOrType: AnyModule | string,
    factory?: (config: never, deps: ProviderDeps) => Provider,
  ): this {
    if (typeof moduleOrType === 'string') {
      const existing = this.modules.get(moduleOrType);
      if (!existing && !isBuiltInProviderType(moduleOrType)) {
        throw new ConfigurationError(
          `Provider type "${moduleOrType}" needs a module with its configSchema: register({ type, configSchema, create })`,
        );
      }
      this.modules.set(moduleOrType, {
        type: moduleOrType,
        configSchema: (existing ?? builtIn(moduleOrType)).configSchema,
        create: factory as AnyModule['create'],
      });
    } else {
      this.modules.set(moduleOrType.type, moduleOrType as unknown as AnyModule);
    }
    return this;
  }

  has(type: string): boolean {
    return this.modules.has(type);
  }

  types(): string[] {
    return [...this.modules.keys()];
  }

  /**
   * Creates the provider of a config entry. Built-in types were validated in full with the
   * config; other types are validated here by their module's `configSchema` (`path` names the
   * entry in errors, e.g. `providers.2`).
   */
  create(config: AnyProviderConfig, deps: ProviderDeps, path = 'provider'): Provider {
    const module = this.modules.get(config.type);
    if (!module) {
      throw new ConfigurationError(`Invalid configuration of provider "${config.name}":`, {
        issues: [
          {
            path: `${path}.type`,
            message: `type "${config.type}" is not available (available: ${this.types().join(', ')})`,
          },
        ],
      });
    }
    if (isBuiltInProviderType(config.type)) {
      checkProviderConfig(config as Parameters<typeof checkProviderConfig>[0], deps.logger);
      return module.create(config, deps);
    }
    const parsed = module.configSchema.safeParse(config);
    if (!parsed.success) {
      throw new ConfigurationError(`Invalid configuration of provider "${config.name}":`, {
        issues: toPathIssues(parsed.error).map((issue) => ({
          ...issue,
          path: issue.path ? `${path}.${issue.path}` : path,
        })),
      });
    }
    return module.create(parsed.data, deps);
  }
}

const BUILT_IN: readonly AnyModule[] = [
  openAIModule,
  openAICompatibleModule,
  anthropicModule,
  geminiModule,
  vertexAIModule,
] as unknown as AnyModule[];

const builtIn = (type: string): AnyModule => BUILT_IN.find((m) => m.type === type) as AnyModule;

/** A registry holding every built-in provider type. */
export function createDefaultProviderRegistry(): ProviderRegistry {
  const registry = new ProviderRegistry();
  for (const module of BUILT_IN) registry.register(module);
  return registry;
}
