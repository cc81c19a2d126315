import type { MetricFamily } from './metric-families.js';

/** The Prometheus text exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const escapeLabel = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

const escapeHelp = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

const formatNumber = (value: number): string =>
  Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((name, i) => `${name}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Renders metric families in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const family of families) {
    out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    out.push(`# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const series of family.series) {
        let cumulative = 0;
        family.buckets.forEach((bound, i) => {
          cumulative += series.counts[i] ?? 0;
          out.push(
            `${family.name}_bucket${labelText(family.labelNames, series.labels, `le="${formatNumber(bound)}"`)} ${cumulative}`,
          );
        });
        out.push(
          `${family.name}_bucket${labelText(family.labelNames, series.labels, 'le="+Inf"')} ${series.count}`,
        );
        out.push(
          `${family.name}_sum${labelText(family.labelNames, series.labels)} ${formatNumber(series.sum)}`,
        );
        out.push(
          `${family.name}_count${labelText(family.labelNames, series.labels)} ${series.count}`,
        );
      }
    } else {
      for (const series of family.series) {
        out.push(
          `${family.name}${labelText(family.labelNames, series.labels)} ${formatNumber(series.value)}`,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}
