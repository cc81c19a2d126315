import type { ProviderConfig } from '../config/provider-config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';
import { createGeminiProvider } from './gemini/gemini-provider.js';
import { createOpenAIProvider } from './openai/openai-provider.js';
import type { Provider, ProviderDeps, ProviderFactory } from './provider.js';
import { checkProviderConfig } from './shared/check-provider-config.js';

/** Provider factories by type. The client creates every configured provider through one of these. */
export class ProviderRegistry {
  private readonly factories = new Map<string, ProviderFactory>();

  /** Adds or replaces the factory of a provider type. */
  register<C extends ProviderConfig>(type: C['type'], factory: ProviderFactory<C>): this {
    this.factories.set(type, factory as ProviderFactory);
    return this;
  }

  has(type: string): boolean {
    return this.factories.has(type);
  }

  types(): string[] {
    return [...this.factories.keys()];
  }

  create(config: ProviderConfig, deps: ProviderDeps): Provider {
    const factory = this.factories.get(config.type);
    if (!factory) {
      throw new ConfigurationError(
        `Provider "${config.name}": type "${config.type}" is not available (available: ${this.types().join(', ')})`,
      );
    }
    checkProviderConfig(config, deps.logger);
    return factory(config, deps);
  }
}

/** A registry holding every built-in provider type. */
export function createDefaultProviderRegistry(): ProviderRegistry {
  return new ProviderRegistry()
    .register('openai', createOpenAIProvider)
    .register('openai-compatible', createOpenAIProvider)
    .register('anthropic', createAnthropicProvider)
    .register('gemini', createGeminiProvider)
    .register('vertexai', createGeminiProvider);
}
