import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/parse-config.js';
import type { AnyProviderConfig } from '../config/provider-config-schema.js';
import { ConfigurationError } from '../errors/configuration-error.js';
import { systemClock } from '../internal/clock.js';
import { silentLogger } from '../internal/logger.js';
import type { Provider } from './provider.js';
import { defineProviderModule } from './provider-module.js';
import { createDefaultProviderRegistry, ProviderRegistry } from './registry.js';

const deps = { clock: systemClock, logger: silentLogger };

/** A provider that only records which factory made it. */
const stub = (name: string, madeBy: string): Provider & { madeBy: string } => ({
  name,
  type: 'stub',
  model: 'm',
  madeBy,
  chat: () => Promise.reject(new Error('not called')),
  close: async () => undefined,
});

const openAIEntry = () =>
  parseConfig(
    { providers: [{ name: 'oa', type: 'openai', apiKey: 'sk-test.key', model: 'gpt-4o-mini' }] },
    { env: false },
  ).providers[0] as AnyProviderConfig;

function configurationError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('ProviderRegistry', () => {
  it('the default registry holds every built-in type', () => {
    const registry = createDefaultProviderRegistry();
    expect(registry.types()).toEqual([
      'openai',
      'openai-compatible',
      'anthropic',
      'gemini',
      'vertexai',
    ]);
    expect(registry.has('anthropic')).toBe(true);
    expect(registry.has('echo')).toBe(false);
  });

  it('the older form replaces the factory of a built-in type and keeps its config schema', () => {
    const registry = createDefaultProviderRegistry().register('openai', (config) =>
      stub(config.name, 'replacement'),
    );
    const provider = registry.create(openAIEntry(), deps) as ReturnType<typeof stub>;
    expect(provider.madeBy).toBe('replacement');
    expect(provider.name).toBe('oa');
  });

  it('the older form on an empty registry still finds the built-in schema', () => {
    const registry = new ProviderRegistry().register('openai', (config) =>
      stub(config.name, 'fresh'),
    );
    expect(registry.types()).toEqual(['openai']);
    expect((registry.create(openAIEntry(), deps) as ReturnType<typeof stub>).madeBy).toBe('fresh');
  });

  it('the older form for a type without a module is refused, saying what to register instead', () => {
    const error = configurationError(() =>
      new ProviderRegistry().register('mine' as 'openai', () => stub('x', 'never')),
    );
    expect(error.message).toContain('register({ type, configSchema, create })');
  });

  it("the older form on a registered custom type keeps that module's schema", () => {
    const module = defineProviderModule({
      type: 'mine',
      configSchema: z.looseObject({
        type: z.literal('mine'),
        name: z.string(),
        size: z.number().int(),
      }),
      create: (config) => stub(config.name, 'module'),
    });
    const registry = new ProviderRegistry()
      .register(module)
      .register('mine' as 'openai', (config) => stub(config.name, 'factory'));
    const entry = { type: 'mine', name: 'x', size: 3 } as unknown as AnyProviderConfig;
    expect((registry.create(entry, deps) as ReturnType<typeof stub>).madeBy).toBe('factory');
    const bad = configurationError(() =>
      registry.create(
        { ...entry, size: 'big' } as unknown as AnyProviderConfig,
        deps,
        'providers.4',
      ),
    );
    expect(bad.issues.map((issue) => issue.path)).toEqual(['providers.4.size']);
  });

  it('an unknown type names the entry path and the types available', () => {
    const registry = new ProviderRegistry().register(
      defineProviderModule({
        type: 'one',
        configSchema: z.looseObject({ type: z.literal('one'), name: z.string() }),
        create: (config) => stub(config.name, 'one'),
      }),
    );
    const error = configurationError(() =>
      registry.create(
        { type: 'two', name: 'b' } as unknown as AnyProviderConfig,
        deps,
        'providers.2',
      ),
    );
    expect(error.issues).toEqual([
      { path: 'providers.2.type', message: 'type "two" is not available (available: one)' },
    ]);
    expect(error.message).toContain('"b"');
  });

  it("an issue about the whole entry is reported at the entry's path", () => {
    const registry = new ProviderRegistry().register(
      defineProviderModule({
        type: 'pair',
        configSchema: z
          .looseObject({ type: z.literal('pair'), name: z.string(), a: z.number().optional() })
          .refine((c) => c.a !== undefined, 'needs a'),
        create: (config) => stub(config.name, 'pair'),
      }),
    );
    const error = configurationError(() =>
      registry.create({ type: 'pair', name: 'p' } as unknown as AnyProviderConfig, deps),
    );
    expect(error.issues).toEqual([{ path: 'provider', message: 'needs a' }]);
  });
});
