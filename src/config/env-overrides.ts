import type { z } from 'zod';
import { loggingSchema, retrySchema, serverSchema } from './config-schema.js';
import { cacheConfigSchema } from './cache-config-schema.js';
import { syncSchema } from './sync-config-schema.js';
import { circuitBreakerSchema } from './provider-config-schema.js';

type LeafKind = 'string' | 'number' | 'boolean' | 'list';

interface Setting {
  section: string;
  key: string;
  env: string;
  kind: LeafKind;
}

const ENV_PREFIX = 'FLEXIAI_';

/** The top-level sections that FLEXIAI_<SECTION>_<KEY> variables may override. */
const SECTIONS: Record<string, z.ZodType> = {
  circuitBreaker: circuitBreakerSchema,
  retry: retrySchema,
  sync: syncSchema,
  server: serverSchema,
  logging: loggingSchema,
  cache: cacheConfigSchema,
};

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function leafKind(schema: z.ZodType): LeafKind | undefined {
  const type = defOf(unwrap(schema)).type;
  if (type === 'number' || type === 'int') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') return 'list';
  if (type === 'string' || type === 'enum' || type === 'literal' || type === 'union')
    return 'string';
  return undefined;
}

function shapesOf(schema: z.ZodType): Record<string, z.ZodType>[] {
  const def = defOf(unwrap(schema));
  if (def.shape) return [def.shape];
  return (def.options ?? []).flatMap(shapesOf);
}

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Every setting that can be overridden from the environment, e.g. FLEXIAI_RETRY_MAX_ATTEMPTS. */
export const ENV_SETTINGS: readonly Setting[] = Object.entries(SECTIONS).flatMap(
  ([section, schema]) => {
    const seen = new Set<string>();
    return shapesOf(schema).flatMap((shape) =>
      Object.entries(shape).flatMap(([key, field]) => {
        const kind = leafKind(field);
        if (!kind || seen.has(key)) return [];
        seen.add(key);
        return [{ section, key, kind, env: `${ENV_PREFIX}${snake(section)}_${snake(key)}` }];
      }),
    );
  },
);

function coerce(raw: string, kind: LeafKind): unknown {
  switch (kind) {
    case 'number':
      return raw.trim() === '' ? Number.NaN : Number(raw);
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return raw;
    }
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return raw;
  }
}

export interface AppliedOverride {
  path: string;
  env: string;
}

/**
 * Applies FLEXIAI_<SECTION>_<KEY> variables over a raw config object (before validation) and
 * returns which paths they set, so a validation error can name the variable.
 */
export function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: Record<string, string | undefined>,
): AppliedOverride[] {
  const applied: AppliedOverride[] = [];
  for (const setting of ENV_SETTINGS) {
    const value = env[setting.env];
    if (value === undefined) continue;
    const current = raw[setting.section];
    const section =
      current !== null && typeof current === 'object' && !Array.isArray(current)
        ? { ...(current as Record<string, unknown>) }
        : {};
    section[setting.key] = coerce(value, setting.kind);
    raw[setting.section] = section;
    applied.push({ path: `${setting.section}.${setting.key}`, env: setting.env });
  }
  return applied;
}
