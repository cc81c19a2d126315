import type { z } from 'zod';
import type { Provider, ProviderDeps } from './provider.js';

/**
 * A provider type as one unit: its `type` name, the schema of its config entry (the common
 * provider fields from `providerFields` plus its own), and the factory. Adding a provider is its
 * own folder plus one `registry.register(module)` line; the client validates each `providers[i]`
 * of that type against `configSchema`, naming bad fields by their path.
 */
export interface ProviderModule<
  C extends { type: string; name: string } = { type: string; name: string },
> {
  readonly type: string;
  readonly configSchema: z.ZodType<C>;
  create(config: C, deps: ProviderDeps): Provider;
}

/** Declares a provider module (a typed identity, for inference). */
export const defineProviderModule = <C extends { type: string; name: string }>(
  module: ProviderModule<C>,
): ProviderModule<C> => module;
