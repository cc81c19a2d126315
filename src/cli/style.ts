/** Terminal styling, only when stdout is a terminal and NO_COLOR is unset. */
const enabled = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

const wrap =
  (open: number, close: number) =>
  (text: string): string =>
    enabled() ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  blue: wrap(34, 39),
  cyan: wrap(36, 39),
};

/** A plain text table (no borders), columns padded to their widest cell. */
export function formatTable(rows: Record<string, string>[]): string {
  const first = rows[0];
  if (!first) return '(none)';
  const columns = Object.keys(first);
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length));
  const widths = columns.map(width);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c] ?? ''))),
  ].join('\n');
}

export const until = (epochMs: number | null, now = Date.now()): string =>
  epochMs === null || epochMs <= now ? '-' : `${((epochMs - now) / 1000).toFixed(1)} s`;
