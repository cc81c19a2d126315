import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors/provider-error.js';
import { scrubErrorSecrets } from './scrub-error.js';
import { cleanUpstreamText, MAX_UPSTREAM_TEXT } from './upstream-text.js';

const SECRET = 'not.shaped.like.a.key-0123456789';

describe('cleanUpstreamText', () => {
  it('redacts every configured secret by value, whatever its shape', () => {
    expect(cleanUpstreamText(`a ${SECRET} b ${SECRET}`, [SECRET])).toBe(
      'a [REDACTED] b [REDACTED]',
    );
  });

  it('caps long text with a marker, and redacts a secret straddling the cut', () => {
    const text = `${'x'.repeat(MAX_UPSTREAM_TEXT - 5)}${SECRET}${'y'.repeat(5_000_000)}`;
    const clean = cleanUpstreamText(text, [SECRET]);
    expect(clean.length).toBeLessThan(MAX_UPSTREAM_TEXT + 100);
    expect(clean).toContain('[truncated: ');
    expect(clean).not.toContain(SECRET.slice(0, 5));
  });
});

describe('scrubErrorSecrets', () => {
  it('redacts message, stack, upstream type and code, request id and body, along the cause chain', () => {
    const inner = new Error(`inner ${SECRET}`);
    const error = new ProviderError(`outer ${SECRET}`, {
      provider: 'p',
      model: 'm',
      upstreamType: SECRET,
      upstreamCode: SECRET,
      requestId: SECRET,
      body: SECRET,
      cause: inner,
    });
    const scrubbed = scrubErrorSecrets(error, [SECRET]);
    expect(scrubbed).toBe(error);
    expect(ProviderError.isInstance(scrubbed)).toBe(true);
    const surface = [
      error.message,
      error.stack,
      JSON.stringify(error),
      inner.message,
      inner.stack,
    ].join('\n');
    expect(surface).not.toContain(SECRET);
    expect(error.upstreamType).toBe('[REDACTED]');
  });
});
