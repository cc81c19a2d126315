import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatFigures } from '../../src/cli/format-figures.js';
import { formatTable, style, until } from '../../src/cli/style.js';
import type {
  DashboardFigures,
  ProviderFigures,
} from '../../src/observability/dashboard-figures.js';

const AT = Date.UTC(2026, 11, 1, 12, 34, 56);

const provider = (over: Partial<ProviderFigures>): ProviderFigures => ({
  name: 'p',
  type: 'openai',
  model: 'm',
  state: 'closed',
  healthy: true,
  failures: 0,
  openUntil: null,
  cooldownUntil: null,
  callRate: 0,
  errorRate: 0,
  latencyP50Ms: null,
  latencyP99Ms: null,
  calls: 0,
  tokensIn: 0,
  tokensOut: 0,
  costUsd: 0,
  ...over,
});

const figures = (
  providers: ProviderFigures[],
  over: Partial<DashboardFigures> = {},
): DashboardFigures => ({
  at: AT,
  startedAt: AT - 60_000,
  windowSeconds: 59.6,
  window: {
    requestRate: 1.234,
    errorRate: 0.05,
    failoverRate: 0.25,
    latencyP50Ms: 12.4,
    latencyP99Ms: 1534,
    ttftP50Ms: null,
    ttftP99Ms: 999.6,
    cacheHitRate: null,
  },
  totals: {
    requests: 74,
    errors: 4,
    failedOver: 18,
    tokensIn: 1000,
    tokensOut: 200,
    costUsd: 0.12345,
    cacheHits: 0,
    cacheMisses: 0,
  },
  providers,
  series: [],
  circuitHistory: [],
  sync: { backend: 'memory', health: 'memory' },
  ...over,
});

/** What `flexiai status --watch` prints each refresh, from the dashboard's figures. */
describe('status --watch text', () => {
  beforeEach(() => vi.stubEnv('NO_COLOR', '1'));
  afterEach(() => vi.unstubAllEnvs());

  it('the headline: status, sync, time, rates as percentages (one decimal under 10%), latencies in ms or s', () => {
    const text = formatFigures('http://gw', figures([provider({ name: 'a' })]));
    const [head, , rates, totals] = text.split('\n');
    expect(head).toBe('http://gw: ok   sync: memory (memory)   12:34:56 UTC, last 60 s');
    expect(rates).toBe(
      'requests/s 1.23   errors 5.0%   failovers 25%   latency p50 12 ms p99 1.53 s   TTFT p50 - p99 1000 ms',
    );
    expect(totals).toBe(
      'tokens in 1000 out 200   cost $0.1235   cache hit rate -   requests 74 (4 failed)',
    );
    expect(text).not.toContain('circuit transitions');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('degraded and unavailable; open and half-open circuits with their time left; the last five transitions', () => {
    const providers = [
      provider({
        name: 'a',
        state: 'open',
        healthy: false,
        openUntil: AT + 12_300,
        callRate: 2,
        errorRate: 1,
        latencyP50Ms: 5,
        latencyP99Ms: 2500,
        calls: 40,
        tokensIn: 10,
        tokensOut: 3,
        costUsd: 12.5,
      }),
      provider({ name: 'b', state: 'half_open', healthy: true, cooldownUntil: AT + 1_000 }),
      provider({ name: 'c' }),
    ];
    const history = Array.from({ length: 7 }, (_, i) => ({
      at: AT - (7 - i) * 1000,
      provider: `p${i}`,
      from: 'closed',
      to: 'open',
      reason: `r${i}`,
    }));
    const text = formatFigures(
      'http://gw',
      figures(providers, {
        circuitHistory: history,
        window: { ...figures([]).window, cacheHitRate: 0.5 },
      }),
    );
    expect(text.split('\n')[0]).toMatch(/^http:\/\/gw: degraded /);
    expect(text).toContain('cache hit rate 50%');
    expect(text).toMatch(
      /\na\s+m\s+open\s+2\.00\s+100%\s+5 ms\s+2\.50 s\s+40\s+10\/3\s+\$12\.50\s+12\.3 s\s+-\n/,
    );
    expect(text).toMatch(
      /\nb\s+m\s+half_open\s+0\.00\s+0%\s+-\s+-\s+0\s+0\/0\s+\$0\.0000\s+-\s+1\.0 s\n/,
    );
    expect(text).toContain('circuit transitions');
    expect(text).not.toContain('p1: closed');
    expect(text).toContain('  12:34:51  p2: closed -> open (r2)');
    expect(text).toContain('  12:34:55  p6: closed -> open (r6)');
    const none = formatFigures('http://gw', figures([provider({ healthy: false, state: 'open' })]));
    expect(none.split('\n')[0]).toMatch(/^http:\/\/gw: unavailable /);
  });

  it('a table of nothing says so; time left is "-" once past; colour only at a terminal without NO_COLOR', () => {
    expect(formatTable([])).toBe('(none)');
    expect(formatTable([{ a: 'x', b: 'long value' }, { a: 'wider' }])).toBe(
      'a      b\n-----  ----------\nx      long value\nwider',
    );
    expect(until(null)).toBe('-');
    expect(until(1000, 2000)).toBe('-');
    expect(until(3500, 1000)).toBe('2.5 s');
    expect(style.red('x')).toBe('x');
    const own = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      expect(style.red('x')).toBe('x'); // NO_COLOR is set
      vi.stubEnv('NO_COLOR', '');
      expect(style.red('x')).toBe('\u001b[31mx\u001b[39m');
      expect(style.bold('x')).toBe('\u001b[1mx\u001b[22m');
    } finally {
      if (own) Object.defineProperty(process.stdout, 'isTTY', own);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });
});
