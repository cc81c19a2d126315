import type { DashboardFigures } from '../observability/dashboard-figures.js';
import { formatTable, style, until } from './style.js';

const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
const ms = (x: number | null): string =>
  x === null ? '-' : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(2)} s`;
const usd = (x: number): string => `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`;
const time = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 19);

/** The dashboard's figures as terminal text (what `flexiai status --watch` prints each refresh). */
export function formatFigures(url: string, d: DashboardFigures): string {
  const w = d.window;
  const healthy = d.providers.filter((p) => p.healthy).length;
  const status =
    healthy === 0
      ? style.red('unavailable')
      : healthy < d.providers.length
        ? style.yellow('degraded')
        : style.green('ok');
  const paint = (state: string) =>
    state === 'open'
      ? style.red(state)
      : state === 'half_open'
        ? style.yellow(state)
        : style.green(state);
  const lines = [
    `${style.bold(url)}: ${status}   sync: ${d.sync.backend} (${d.sync.health})   ${style.dim(`${time(d.at)} UTC, last ${Math.round(d.windowSeconds)} s`)}`,
    '',
    `requests/s ${w.requestRate.toFixed(2)}   errors ${pct(w.errorRate)}   failovers ${pct(w.failoverRate)}   ` +
      `latency p50 ${ms(w.latencyP50Ms)} p99 ${ms(w.latencyP99Ms)}   TTFT p50 ${ms(w.ttftP50Ms)} p99 ${ms(w.ttftP99Ms)}`,
    `tokens in ${d.totals.tokensIn} out ${d.totals.tokensOut}   cost ${usd(d.totals.costUsd)}   ` +
      `cache hit rate ${w.cacheHitRate === null ? '-' : pct(w.cacheHitRate)}   requests ${d.totals.requests} (${d.totals.errors} failed)`,
    '',
    formatTable(
      d.providers.map((p) => ({
        provider: p.name,
        model: p.model,
        circuit: paint(p.state),
        'calls/s': p.callRate.toFixed(2),
        errors: pct(p.errorRate),
        p50: ms(p.latencyP50Ms),
        p99: ms(p.latencyP99Ms),
        calls: String(p.calls),
        tokens: `${p.tokensIn}/${p.tokensOut}`,
        cost: usd(p.costUsd),
        'open for': until(p.openUntil, d.at),
        'cooling for': until(p.cooldownUntil, d.at),
      })),
    ),
  ];
  const recent = d.circuitHistory.slice(-5);
  if (recent.length) {
    lines.push('', style.bold('circuit transitions'));
    for (const e of recent)
      lines.push(`  ${time(e.at)}  ${e.provider}: ${e.from} -> ${paint(e.to)} (${e.reason})`);
  }
  return `${lines.join('\n')}\n`;
}
