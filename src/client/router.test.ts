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
  const router = new Router({ fast: ['vertex', 'oa'] });
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
    const r = new Router({ fast: ['vertex', 'oa'] });
    r.setSlots(slots);
    r.setPrimary('vertex');
    expect(r.resolve(undefined).map((c) => c.slot.name)).toEqual(['vertex', 'claude', 'oa']);
    r.setPrimary('oa');
    expect(r.resolve('fast').map((c) => c.slot.name)).toEqual(['vertex', 'oa']);
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
