import { describe, expect, it } from 'vitest';
import { Secret } from '../internal/secret.js';
import { configEqual } from './config-equal.js';

describe('configEqual', () => {
  it('compares plain values deeply', () => {
    expect(configEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(configEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(configEqual({ a: 1 }, { a: 1, b: undefined })).toBe(true);
    expect(configEqual({ a: 1 }, { a: 1, b: 0 })).toBe(false);
    expect(configEqual([1, 2], [1, 2, 3])).toBe(false);
  });

  it('compares secrets by value: a changed key is a change (Secrets look alike to JSON and inspect)', () => {
    expect(configEqual({ apiKey: new Secret('sk-one') }, { apiKey: new Secret('sk-one') })).toBe(
      true,
    );
    expect(configEqual({ apiKey: new Secret('sk-one') }, { apiKey: new Secret('sk-two') })).toBe(
      false,
    );
    expect(configEqual(new Secret('sk-one'), 'sk-one')).toBe(false);
  });
});
