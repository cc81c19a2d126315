import type { RouteConfig } from '../config/route-config-schema.js';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import type { RefusalKind } from '../errors/refusal-kind.js';
import type { ProviderSlot, RouteCandidate } from './provider-slot.js';
import { weightedOrder } from './weighted-order.js';

/** What a request to a named route runs under besides its providers. */
export interface RoutePolicy {
  /** Refusals that fail over to the next candidate (`routes.<r>.failoverOn`); empty by default. */
  readonly failoverOn: ReadonlySet<RefusalKind>;
  readonly weights: Readonly<Record<string, number>> | undefined;
}

/**
 * Turns a request's `model` into the ordered providers to try:
 * absent or `default` -> every enabled provider by priority (a `default` route, if configured, wins);
 * a route name -> its providers in order; a provider name -> that provider; `provider/model` ->
 * that provider with that model; a configured model id -> the providers serving it, by priority;
 * anything else -> ModelNotFoundError, before any upstream call.
 *
 * Lookups by the client's `model` go through Maps and own-property checks only (`__proto__`,
 * `constructor` or `toString` are unknown models, not prototype members). Resolved routes are
 * cached, bounded both in entries and in the characters of their keys: a client sending many long
 * `provider/<model>` names cannot grow the cache past ROUTE_CACHE_LIMITS.
 */
export const ROUTE_CACHE_LIMITS = { maxEntries: 1_000, maxKeyChars: 256 * 1024 } as const;

export class Router {
  private slots: ProviderSlot[] = [];
  private byName = new Map<string, ProviderSlot>();
  private primary: string | undefined;
  private cache = new Map<string, RouteCandidate[]>();
  private readonly policies = new Map<string, RoutePolicy>();
  /** Characters of every key in the cache. */
  private cacheChars = 0;

  constructor(private readonly routes: Readonly<Record<string, RouteConfig>>) {
    for (const [name, route] of Object.entries(routes)) {
      if (route.failoverOn.length || route.weights) {
        this.policies.set(name, { failoverOn: new Set(route.failoverOn), weights: route.weights });
      }
    }
  }

  /** The policy of the route a request's `model` names, if it names one with a policy. */
  policy(model: string | undefined): RoutePolicy | undefined {
    return this.policies.get(model ?? 'default');
  }

  /**
   * The candidates for one request: `resolve(model)`, in a weighted random order (drawn from
   * `random`) when the route has weights.
   */
  candidatesFor(model: string | undefined, random: () => number): RouteCandidate[] {
    const candidates = this.resolve(model);
    const weights = this.policy(model)?.weights;
    return weights ? weightedOrder(candidates, weights, random) : candidates;
  }

  setSlots(slots: readonly ProviderSlot[]): void {
    this.slots = [...slots];
    this.byName = new Map(slots.map((slot) => [slot.name, slot]));
    this.clearCache();
  }

  /** The provider `setPrimary` put first, if any. */
  get primaryName(): string | undefined {
    return this.primary;
  }

  /** Puts one provider first in every priority-ordered list (routes keep their explicit order). */
  setPrimary(name: string | undefined): void {
    this.primary = name;
    this.clearCache();
  }

  resolve(model: string | undefined): RouteCandidate[] {
    const key = model ?? 'default';
    let found = this.cache.get(key);
    if (!found) {
      found = this.compute(key);
      this.remember(key, found);
    }
    return found;
  }

  /** Number of cached routes and the characters of their keys (for tests and diagnostics). */
  cacheSize(): { entries: number; keyChars: number } {
    return { entries: this.cache.size, keyChars: this.cacheChars };
  }

  /** Caches a route, evicting the oldest entries while over either bound. */
  private remember(key: string, found: RouteCandidate[]): void {
    const { maxEntries, maxKeyChars } = ROUTE_CACHE_LIMITS;
    if (key.length > maxKeyChars) return;
    this.cache.set(key, found);
    this.cacheChars += key.length;
    while (this.cache.size > maxEntries || this.cacheChars > maxKeyChars) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
      this.cacheChars -= oldest.length;
    }
  }

  private clearCache(): void {
    this.cache.clear();
    this.cacheChars = 0;
  }

  /** Every name a request may use: routes, providers and model ids. */
  knownModels(): string[] {
    const names = new Set<string>(['default', ...Object.keys(this.routes)]);
    for (const slot of this.enabled()) {
      names.add(slot.name);
      names.add(slot.provider.model);
      for (const model of slot.models) names.add(model);
    }
    return [...names];
  }

  private compute(key: string): RouteCandidate[] {
    const route = Object.hasOwn(this.routes, key) ? this.routes[key] : undefined;
    if (route) {
      return route.providers
        .map((name) => this.byName.get(name))
        .filter((slot): slot is ProviderSlot => slot !== undefined && slot.enabled)
        .map((slot) => ({ slot, model: slot.provider.model }));
    }
    if (key === 'default') return this.ordered(this.enabled()).map(defaultModel);
    const named = this.byName.get(key);
    if (named?.enabled) return [defaultModel(named)];
    const slash = key.indexOf('/');
    if (slash > 0) {
      const slot = this.byName.get(key.slice(0, slash));
      const model = key.slice(slash + 1);
      if (slot?.enabled && model) return [{ slot, model }];
    }
    const serving = this.enabled().filter(
      (slot) => slot.provider.model === key || slot.models.includes(key),
    );
    if (serving.length) return this.ordered(serving).map((slot) => ({ slot, model: key }));
    throw new ModelNotFoundError(key, this.knownModels());
  }

  /** Every enabled provider, by priority (whatever the `default` route says). */
  enabledSlots(): ProviderSlot[] {
    return this.ordered(this.enabled());
  }

  private enabled(): ProviderSlot[] {
    return this.slots.filter((slot) => slot.enabled);
  }

  private ordered(slots: ProviderSlot[]): ProviderSlot[] {
    return [...slots].sort((a, b) => {
      if (a.name === this.primary) return -1;
      if (b.name === this.primary) return 1;
      return a.priority - b.priority || a.index - b.index;
    });
  }
}

const defaultModel = (slot: ProviderSlot): RouteCandidate => ({ slot, model: slot.provider.model });
