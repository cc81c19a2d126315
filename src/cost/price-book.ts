import type { ModelPrice } from '../config/pricing-config-schema.js';
import type { Logger } from '../internal/logger.js';
import type { Usage } from '../types/usage.js';
import { computeCost, type CostResult } from './compute-cost.js';
import { MODEL_CATALOG } from './model-catalog.js';

/**
 * The catalog's prices with the configuration's `pricing` on top, looked up by model id. A model
 * id is tried as given, then lower-cased, without a path prefix (`models/…`,
 * `publishers/google/models/…`), and without a date or version suffix (`-20250929`,
 * `-2024-08-06`, `-latest`, `-001`). Never by prefix: `gpt-4o-mini` is not `gpt-4o`.
 */
export class PriceBook {
  private readonly prices = new Map<string, ModelPrice>();
  private readonly warned = new Set<string>();

  constructor(
    overrides: Readonly<Record<string, ModelPrice>> = {},
    private readonly logger?: Logger,
  ) {
    for (const entry of MODEL_CATALOG) this.prices.set(entry.model, entry.price);
    for (const [model, price] of Object.entries(overrides)) this.prices.set(model, price);
    for (const [model, price] of Object.entries(overrides)) {
      this.prices.set(model.toLowerCase(), price);
    }
  }

  /** The prices of a model, or undefined when neither the catalog nor the config has them. */
  find(model: string): ModelPrice | undefined {
    for (const candidate of candidates(model)) {
      const price = this.prices.get(candidate);
      if (price) return price;
    }
    return undefined;
  }

  /**
   * What `usage` on `model` cost, in pico-dollars; undefined when it cannot be known (no price,
   * or a component without a price), with a warning logged once per model and reason.
   */
  price(provider: string, model: string, usage: Usage, logger?: Logger): number | undefined {
    const price = this.find(model);
    if (!price) {
      this.warnOnce(
        logger,
        `${model}`,
        { provider, model },
        `no known price for model "${model}": cost left undefined (add it under \`pricing\`)`,
      );
      return undefined;
    }
    const result: CostResult = computeCost(price, usage);
    if (!result.ok) {
      this.warnOnce(
        logger,
        `${model}:${result.missing}`,
        { provider, model, missing: result.missing },
        `model "${model}" has no "${result.missing}" price but the usage has such tokens: cost left undefined (add it under \`pricing\`)`,
      );
      return undefined;
    }
    return result.pico;
  }

  /** Warns once per key, on the request's logger when given (it carries the correlation id). */
  private warnOnce(
    logger: Logger | undefined,
    key: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    (logger ?? this.logger)?.warn(fields, message);
  }
}

/** The ids a model may be priced under, most specific first. */
export function candidates(model: string): string[] {
  const out: string[] = [];
  const push = (id: string): void => {
    if (id && !out.includes(id)) out.push(id);
  };
  push(model);
  let id = model.toLowerCase();
  push(id);
  id = id.slice(id.lastIndexOf('/') + 1);
  push(id);
  for (;;) {
    const stripped = id
      .replace(/-latest$/, '')
      .replace(/-\d{8}$/, '')
      .replace(/-\d{4}-\d{2}-\d{2}$/, '')
      .replace(/-(preview-)?\d{2}-\d{4}$/, '')
      .replace(/-\d{3}$/, '')
      .replace(/@\d{8}$/, '');
    if (stripped === id) break;
    id = stripped;
    push(id);
  }
  return out;
}
