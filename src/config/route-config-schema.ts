import { z } from 'zod';
import { REFUSAL_KINDS } from '../errors/refusal-kind.js';

const routeObjectSchema = z.strictObject({
  /** The providers to try, in order. */
  providers: z.array(z.string().min(1)).min(1),
  /**
   * Refusals that move the request to the next candidate instead of ending it (off by default):
   * `context_length` (only to candidates whose context window is larger), `content_filter`,
   * `model_not_found`. They never count against the refusing provider's circuit.
   */
  failoverOn: z.array(z.enum(REFUSAL_KINDS)).default([]),
  /**
   * Relative weights by provider name: each request orders the weighted providers by a weighted
   * random draw (so load spreads in proportion), then fails over through what is left.
   */
  weights: z.record(z.string().min(1), z.number().positive()).optional(),
});

/** Routes written as a plain list, so issues name `routes.<r>.<i>` as the user wrote it. */
export const writtenAsList = new WeakSet<object>();

/**
 * A route: a plain ordered list of provider names, or an object with `providers` and the opt-in
 * `failoverOn` and `weights`. Both parse to the object form.
 */
export const routeSchema = z
  .union([z.array(z.string().min(1)).min(1), routeObjectSchema])
  .transform((route) => {
    if (!Array.isArray(route)) return route;
    const normalized = { providers: route, failoverOn: [] };
    writtenAsList.add(normalized);
    return normalized;
  }) as unknown as z.ZodType<RouteConfig, RouteConfigInput>;

export interface RouteConfig {
  providers: string[];
  failoverOn: (typeof REFUSAL_KINDS)[number][];
  weights?: Record<string, number> | undefined;
}
export type RouteConfigInput = string[] | z.input<typeof routeObjectSchema>;
