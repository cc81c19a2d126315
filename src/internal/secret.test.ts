import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redactSecrets, excerpt } from './redact.js';
import { Secret, maskSecret } from './secret.js';

const KEY = 'sk-proj-SECRET.secret0123456789abcdefXYZW';

describe('Secret (S4)', () => {
  const secret = new Secret(KEY);

  it('masks itself in String, JSON, inspect and template strings', () => {
    expect(String(secret)).toBe('****XYZW');
    expect(`${secret}`).toBe('****XYZW');
    expect(JSON.stringify({ apiKey: secret })).toBe('{"apiKey":"****XYZW"}');
    expect(inspect({ nested: { apiKey: secret } }, { depth: 5 })).not.toContain(KEY);
    expect(inspect(secret, { showHidden: true })).not.toContain('SECRET');
    expect(Object.keys(secret)).toEqual([]);
  });

  it('reveals the value only on request', () => {
    expect(secret.reveal()).toBe(KEY);
  });

  it('shows nothing of short secrets', () => {
    expect(maskSecret('short')).toBe('****');
  });
});

describe('redactSecrets (S2)', () => {
  it('removes known values and credential-shaped tokens', () => {
    const text = `key ${KEY} header "Authorization": "Bearer abcdefghijk123" x-api-key: sk-ant-api03-zzzzzzzzzzzz goog AIzaSyA0123456789abcdefghijklmnop`;
    const out = redactSecrets(text, ['my-known-value-123']);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('abcdefghijk123');
    expect(out).not.toContain('sk-ant-api03');
    expect(out).not.toContain('AIzaSy');
    expect(redactSecrets('value my-known-value-123 here', ['my-known-value-123'])).toBe(
      'value [REDACTED] here',
    );
  });

  it('excerpts are bounded and never cut a secret in half', () => {
    const long = `${'x'.repeat(505)}${KEY}${'y'.repeat(5_000)}`;
    const out = excerpt(long, [KEY], 512);
    expect(out.length).toBeLessThan(600);
    expect(out).not.toContain('SECRETsecret');
    expect(out).toContain('characters in all');
  });
});
