import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Keeps docs/fidelity.md honest: every link to a test file names a test (or suite) that exists in
 * it, every matrix cell is tested with at least one such link or says why not, and the counts at
 * the top are the counts of the matrix.
 */
const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../docs');
const doc = readFileSync(resolve(DOCS, 'fidelity.md'), 'utf8');

const STATUSES = {
  tested: ['**tested**', '**tested (emulated)**'],
  notApplicable: ['**not applicable**'],
  notByProvider: ['**not supported by the provider**'],
  notByFlexiAI: ['**not supported by FlexiAI**'],
} as const;
type Status = keyof typeof STATUSES;

const titles = new Map<string, Set<string>>();

/** The titles of every `describe`/`it`/`test` (and their `.each`) in a test file. */
function testTitles(path: string): Set<string> {
  const known = titles.get(path);
  if (known) return known;
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      // `it('name', ...)`, or `it.each(table)('name', ...)`.
      const callee = ts.isCallExpression(node.expression)
        ? node.expression.expression
        : node.expression;
      const name = callee.getText(source);
      const first = node.arguments[0];
      if (
        /^(describe|it|test)(\.(each|skip|only|concurrent))?$/.test(name) &&
        first &&
        (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))
      ) {
        found.add(first.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  titles.set(path, found);
  return found;
}

/** `[<file> › <test name>](<path>)` links in a piece of markdown. */
function testLinks(markdown: string): { label: string; name: string; path: string }[] {
  const links = [...markdown.matchAll(/\[([^\]]+?) › ([^\]]+)\]\(([^)]+\.test\.ts)\)/g)];
  return links.map((m) => ({ label: m[1] ?? '', name: m[2] ?? '', path: m[3] ?? '' }));
}

/** The rows of the matrix (the table whose header starts with `| feature |`). */
function matrixRows(): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| feature |'));
  expect(start, 'the matrix table').toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const statusOf = (cell: string): Status | undefined =>
  (Object.keys(STATUSES) as Status[]).find((status) =>
    STATUSES[status].some((s) => cell.startsWith(`${s}:`) || cell === s),
  );

describe('docs/fidelity.md', () => {
  it('names, in every link to a test file, a test that exists in that file', () => {
    const links = testLinks(doc);
    expect(links.length).toBeGreaterThan(100);
    for (const link of links) {
      const path = resolve(DOCS, link.path);
      expect(existsSync(path), `${link.path} exists`).toBe(true);
      expect(link.label, `link label of ${link.path}`).toBe(basename(path, '.test.ts'));
      expect([...testTitles(path)], `a test named "${link.name}" in ${link.path}`).toContain(
        link.name,
      );
    }
  });

  it('links every other file it names to a file that exists', () => {
    for (const m of doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)) {
      expect(existsSync(resolve(DOCS, m[1] ?? '')), `${m[1]} exists`).toBe(true);
    }
  });

  it('gives every cell a status; tested cells link to their tests, the others say why', () => {
    const rows = matrixRows();
    expect(rows.length).toBeGreaterThanOrEqual(40);
    for (const [feature, ...cells] of rows) {
      expect(cells, `four provider columns for ${feature}`).toHaveLength(4);
      for (const cell of cells) {
        const status = statusOf(cell);
        expect(status, `a status for "${feature}": ${cell.slice(0, 80)}`).toBeDefined();
        if (status === 'tested') {
          expect(testLinks(cell).length, `a test for "${feature}"`).toBeGreaterThan(0);
        } else {
          // What the user gets instead, or why the row does not apply.
          expect(cell.length, `an explanation for "${feature}"`).toBeGreaterThan(40);
        }
      }
    }
  });

  it('states the counts of the matrix at the top', () => {
    const counts: Record<Status, number> = {
      tested: 0,
      notApplicable: 0,
      notByProvider: 0,
      notByFlexiAI: 0,
    };
    const rows = matrixRows();
    for (const [, ...cells] of rows)
      for (const cell of cells) counts[statusOf(cell) as Status] += 1;
    const stated =
      /\*\*Counts: (\d+) cells: (\d+) tested, (\d+) not applicable, (\d+) unsupported \((\d+) by the provider, (\d+) by FlexiAI\)\.\*\*/.exec(
        doc,
      );
    expect(stated, 'the counts line').not.toBeNull();
    const [, total, tested, na, unsupported, byProvider, byFlexiAI] = (stated ?? []).map(Number);
    expect({ total, tested, na, unsupported, byProvider, byFlexiAI }).toEqual({
      total: rows.length * 4,
      tested: counts.tested,
      na: counts.notApplicable,
      unsupported: counts.notByProvider + counts.notByFlexiAI,
      byProvider: counts.notByProvider,
      byFlexiAI: counts.notByFlexiAI,
    });
  });
});
