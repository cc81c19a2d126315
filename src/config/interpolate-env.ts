import type { FieldIssue } from '../errors/configuration-error.js';
import { formatPath } from '../internal/zod-issues.js';

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a config tree with values from `env`.
 * A reference to an unset variable without a default is reported with the field's path.
 * `$${VAR}` stays literal as `${VAR}`.
 */
export function interpolateEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  issues: FieldIssue[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(
      /\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (match: string, name: string, fallback?: string) => {
        if (match.startsWith('$$')) return match.slice(1);
        const resolved = env[name];
        if (resolved !== undefined && resolved !== '') return resolved;
        if (fallback !== undefined) return fallback;
        issues.push({
          path: formatPath(path),
          message: `environment variable ${name} is not set`,
        });
        return '';
      },
    );
  }
  if (Array.isArray(value))
    return value.map((item, i) => interpolateEnv(item, env, issues, [...path, i]));
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolateEnv(item, env, issues, [...path, key]),
      ]),
    );
  }
  return value;
}
