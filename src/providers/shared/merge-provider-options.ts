import type { ProviderOptions } from '../../types/request.js';

/**
 * Merges `providerOptions[<type>]`, then `providerOptions[<provider name>]`, over a wire body.
 * Pass-through is shallow: a key given here replaces the converted value.
 */
export function mergeProviderOptions<T extends object>(
  body: T,
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): T {
  if (!providerOptions) return body;
  const byType = providerOptions[type];
  const byName = name === type ? undefined : providerOptions[name];
  if (!byType && !byName) return body;
  return { ...body, ...byType, ...byName } as T;
}
