import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './parse-retry-after.js';

const now = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': '86400' }, now)).toBe(86_400_000);
  });

  it('U4: reads an HTTP date relative to now', () => {
    const date = new Date(now + 30_000).toUTCString();
    expect(parseRetryAfter({ 'retry-after': date }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': new Date(now - 5_000).toUTCString() }, now)).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '150', 'retry-after': '9' }, now)).toBe(150);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after-ms': '-1' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': ['3', '4'] }, now)).toBe(3_000);
  });
});
