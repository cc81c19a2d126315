import { describe, expect, it } from 'vitest';
import { ModelNotFoundError } from '../errors/model-not-found-error.js';
import type { ProviderSlot } from './provider-slot.js';
import { ROUTE_CACHE_LIMITS, Router } from './router.js';

const slot = (
  name: string,
  priority: number,
  model: string,
  extra: Partial<ProviderSlot> = {},
): ProviderSlot =>
  ({
    name,
    priority,
    index: priority,
    enabled: true,
    models: [],
    provider: { name, model, type: 'openai' },
    ...extra,
  }) as unknown as ProviderSlot;

describe('Router', () => {
  const slots = [
    slot('oa', 2, 'gpt-4o-mini', { models: ['gpt-4o'] }),
    slot('claude', 1, 'claude-sonnet-4-5'),
    slot('vertex', 3, 'gemini-2.5-flash'),
    slot('off', 0, 'gpt-4o', { enabled: false }),
  ];
  const router = new Router({ fast: { providers: ['vertex', 'oa'], failoverOn: [] } });
  router.setSlots(slots);
  const names = (model?: string) => router.resolve(model).map((c) => `${c.slot.name}:${c.model}`);

  it('default: every enabled provider by priority, each with its model', () => {
    expect(names()).toEqual([
      'claude:claude-sonnet-4-5',
      'oa:gpt-4o-mini',
      'vertex:gemini-2.5-flash',
    ]);
    expect(names('default')).toEqual(names());
  });

  it('a route keeps its explicit order', () => {
    expect(names('fast')).toEqual(['vertex:gemini-2.5-flash', 'oa:gpt-4o-mini']);
  });

  it('a provider name selects that provider alone', () => {
    expect(names('claude')).toEqual(['claude:claude-sonnet-4-5']);
  });

  it('provider/model selects that provider with that model', () => {
    expect(names('oa/gpt-4.1')).toEqual(['oa:gpt-4.1']);
  });

  it('a model id selects the enabled providers serving it', () => {
    expect(names('gpt-4o')).toEqual(['oa:gpt-4o']);
    expect(names('gemini-2.5-flash')).toEqual(['vertex:gemini-2.5-flash']);
  });

  it('B7: anything else is a ModelNotFoundError (disabled providers included)', () => {
    expect(() => router.resolve('gpt-5-turbo-max')).toThrow(ModelNotFoundError);
    expect(() => router.resolve('off')).toThrow(ModelNotFoundError);
    expect(() => router.resolve('nope/gpt-4o')).toThrow(ModelNotFoundError);
  });

  it('setPrimary puts a provider first in priority lists but not in routes', () => {
    const r = new Router({ fast: { providers: ['vertex', 'oa'], failoverOn: [] } });
    r.setSlots(slots);
    r.setPrimary('vertex');
    expect(r.resolve(undefined).map((c) => c.slot.name)).toEqual(['vertex', 'claude', 'oa']);
    r.setPrimary('oa');
    expect(r.resolve('fast').map((c) => c.slot.name)).toEqual(['vertex', 'oa']);
  });

  describe('weighted routes', () => {
    const weighted = new Router({
      spread: {
        providers: ['oa', 'claude', 'vertex'],
        failoverOn: [],
        weights: { oa: 3, claude: 1 },
      },
    });
    weighted.setSlots(slots);
    // A seeded PRNG (mulberry32), as a client's `random` would be in a reproducible test.
    const sequence =
      (seed = 42) =>
      () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
      };

    it('spreads first choices in proportion to the weights; every request still gets every provider', () => {
      const random = sequence();
      const first = { oa: 0, claude: 0 } as Record<string, number>;
      for (let i = 0; i < 4_000; i += 1) {
        const order = weighted.candidatesFor('spread', random).map((c) => c.slot.name);
        expect([...order].sort()).toEqual(['claude', 'oa', 'vertex']);
        // The unweighted provider keeps its place, after the weighted ones.
        expect(order[2]).toBe('vertex');
        first[order[0]!] = (first[order[0]!] ?? 0) + 1;
      }
      // 3:1 weights: oa first about 75% of the time.
      expect(first.oa! / 4_000).toBeGreaterThan(0.7);
      expect(first.oa! / 4_000).toBeLessThan(0.8);
    });

    it('routes without weights keep their order and the cached list', () => {
      expect(weighted.candidatesFor('claude', Math.random)).toBe(weighted.resolve('claude'));
    });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'S1: "%s" is an unknown model (ModelNotFoundError), never a prototype member',
    (model) => {
      expect(() => router.resolve(model)).toThrow(ModelNotFoundError);
    },
  );

  it('S1: the route cache is bounded in characters, not only entries', () => {
    const bounded = new Router({});
    bounded.setSlots(slots);
    const long = 'm'.repeat(10_000);
    for (let i = 0; i < 500; i += 1) bounded.resolve(`oa/${long}${i}`);
    const { entries, keyChars } = bounded.cacheSize();
    expect(keyChars).toBeLessThanOrEqual(ROUTE_CACHE_LIMITS.maxKeyChars);
    expect(entries).toBeLessThan(500);
    // A key longer than the whole budget is resolved but never cached.
    bounded.resolve(`oa/${'m'.repeat(ROUTE_CACHE_LIMITS.maxKeyChars + 1)}`);
    expect(bounded.cacheSize().keyChars).toBeLessThanOrEqual(ROUTE_CACHE_LIMITS.maxKeyChars);
    // Many short names: bounded by entries.
    for (let i = 0; i < 3 * ROUTE_CACHE_LIMITS.maxEntries; i += 1) bounded.resolve(`oa/m${i}`);
    expect(bounded.cacheSize().entries).toBeLessThanOrEqual(ROUTE_CACHE_LIMITS.maxEntries);
  });
});
