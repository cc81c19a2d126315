export interface BenchTable {
  title: string;
  /** What the figures mean and how to read them. */
  note?: string;
  rows: Record<string, string | number>[];
}

/** Prints a table as GitHub Markdown (readable in a terminal, pasteable into docs/benchmarks.md). */
export function printTable(table: BenchTable): void {
  const columns = [...new Set(table.rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown): string => (value === undefined ? '' : String(value));
  const widths = columns.map((c) =>
    Math.max(c.length, ...table.rows.map((r) => cell(r[c]).length)),
  );
  const line = (values: string[]): string =>
    `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n### ${table.title}\n`);
  if (table.note) console.log(`${table.note}\n`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table.rows) console.log(line(columns.map((c) => cell(row[c]))));
}
