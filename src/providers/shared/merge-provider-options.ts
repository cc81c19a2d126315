import { ValidationError } from '../../errors/validation-error.js';
import { ownedIssue } from '../../internal/request-bounds.js';
import { ownedOptionReason } from '../../types/provider-options-policy.js';
import type { ProviderOptions } from '../../types/request.js';

/**
 * The options given for one provider: `providerOptions[<type>]`, then `providerOptions[<name>]`
 * (own keys only: a lookup never reaches a prototype).
 */
export function providerOptionsFor(
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): { key: string; options: Record<string, unknown> }[] {
  if (!providerOptions) return [];
  const out: { key: string; options: Record<string, unknown> }[] = [];
  for (const key of name === type ? [type] : [type, name]) {
    const options: unknown = Object.hasOwn(providerOptions, key) ? providerOptions[key] : undefined;
    if (options !== null && typeof options === 'object' && !Array.isArray(options))
      out.push({ key, options: options as Record<string, unknown> });
  }
  return out;
}

/**
 * Merges `providerOptions[<type>]`, then `providerOptions[<name>]`, over a wire body.
 * Pass-through is shallow: a key given here replaces the converted value. A key the adapter owns
 * (ADAPTER_OWNED_OPTIONS: model, messages, stream mode, URL, credentials) is a ValidationError,
 * thrown in the caller phase: a 400, never a provider failure.
 */
export function mergeProviderOptions<T extends object>(
  body: T,
  providerOptions: ProviderOptions | undefined,
  type: string,
  name: string,
): T {
  const given = providerOptionsFor(providerOptions, type, name);
  if (!given.length) return body;
  const issues = given.flatMap(({ key, options }) =>
    Object.keys(options).flatMap((field) => {
      const reason = ownedOptionReason(type, field);
      return reason ? [ownedIssue(`providerOptions.${key}.${field}`, reason)] : [];
    }),
  );
  if (issues.length) throw new ValidationError(issues);
  // Spread (own data properties), never assignment: no key can reach a prototype.
  return given.reduce<T>((merged, g) => ({ ...merged, ...g.options }), body);
}
