import type { z } from 'zod';

/** A zod issue as a field path and a message; never the offending value. */
export interface PathIssue {
  path: string;
  message: string;
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.map((key) => String(key)).join('.');

/** Flattens zod issues (union branches included) into one issue per bad field. */
export function toPathIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    // For a union, report the branch that got furthest instead of "invalid input".
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
      for (const inner of best) {
        out.push({ path: formatPath([...path, ...inner.path]), message: inner.message });
      }
      continue;
    }
    out.push({ path: formatPath(path), message: issue.message });
  }
  return out;
}

const depth = (issues: readonly { path: readonly PropertyKey[] }[]): number =>
  Math.max(0, ...issues.map((i) => i.path.length));
