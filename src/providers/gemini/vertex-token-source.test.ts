import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/helpers/fake-clock.js';
import { CachingTokenSource, StaticTokenSource, type AccessToken } from './vertex-token-source.js';

const MINUTE = 60_000;

/** A token fetcher that counts its calls and hands out token-1, token-2, ... living `ttlMs`. */
/** `ttlMs: null` hands out tokens without a known expiry. */
function fetcher(clock: FakeClock, ttlMs: number | null = 60 * MINUTE) {
  const state = { calls: 0, fail: false };
  const fetch = async (): Promise<AccessToken> => {
    state.calls += 1;
    await Promise.resolve();
    if (state.fail) throw new Error('metadata server unreachable');
    return {
      token: `token-${state.calls}`,
      ...(ttlMs === null ? {} : { expiresAt: clock.now() + ttlMs }),
    };
  };
  return { fetch, state };
}

describe('CachingTokenSource', () => {
  it('caches the token and refreshes it five minutes before it expires', async () => {
    const clock = new FakeClock();
    const { fetch, state } = fetcher(clock);
    const source = new CachingTokenSource(fetch, clock);
    expect(await source.getToken()).toBe('token-1');
    clock.advance(54 * MINUTE);
    expect(await source.getToken()).toBe('token-1');
    expect(state.calls).toBe(1);
    clock.advance(1 * MINUTE); // 55 min: within the 5-minute margin
    expect(await source.getToken()).toBe('token-2');
    expect(await source.getToken()).toBe('token-2');
    expect(state.calls).toBe(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    const clock = new FakeClock();
    const { fetch, state } = fetcher(clock);
    const source = new CachingTokenSource(fetch, clock);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(state.calls).toBe(1);
  });

  it('keeps using a still-valid token when a refresh fails, and fails once it has expired', async () => {
    const clock = new FakeClock();
    const { fetch, state } = fetcher(clock);
    const source = new CachingTokenSource(fetch, clock);
    await source.getToken();
    clock.advance(57 * MINUTE);
    state.fail = true;
    expect(await source.getToken()).toBe('token-1');
    clock.advance(3 * MINUTE);
    await expect(source.getToken()).rejects.toThrow('metadata server unreachable');
    state.fail = false;
    expect(await source.getToken()).toBe('token-4');
  });

  it('fetches again after invalidate (a 401), and keeps tokens without expiry for the default TTL', async () => {
    const clock = new FakeClock();
    const { fetch, state } = fetcher(clock, null);
    const source = new CachingTokenSource(fetch, clock, { defaultTtlMs: 10 * MINUTE });
    await source.getToken();
    source.invalidate();
    expect(await source.getToken()).toBe('token-2');
    clock.advance(4 * MINUTE);
    expect(await source.getToken()).toBe('token-2');
    clock.advance(1 * MINUTE); // 10 min TTL - 5 min margin
    expect(await source.getToken()).toBe('token-3');
    expect(state.calls).toBe(3);
  });

  it('does not cache a failed first fetch', async () => {
    const clock = new FakeClock();
    const { fetch, state } = fetcher(clock);
    const source = new CachingTokenSource(fetch, clock);
    state.fail = true;
    await expect(source.getToken()).rejects.toThrow();
    state.fail = false;
    expect(await source.getToken()).toBe('token-2');
  });
});

describe('StaticTokenSource', () => {
  it('always returns the configured token', async () => {
    const source = new StaticTokenSource('ya29.static');
    source.invalidate();
    expect(await source.getToken()).toBe('ya29.static');
  });
});
