import { ConfigurationError, type FieldIssue } from '../errors/configuration-error.js';
import { toPathIssues } from '../internal/zod-issues.js';
import { configSchema, type FlexiAIConfig } from './config-schema.js';
import { applyEnvOverrides } from './env-overrides.js';
import { interpolateEnv } from './interpolate-env.js';
import { applyPreset } from './presets.js';

export interface ParseConfigOptions {
  /** Source of `${VAR}` references and FLEXIAI_* overrides; `process.env` by default, `false` for none. */
  env?: Record<string, string | undefined> | false;
  /** Where the config came from, for error messages (a file path). */
  source?: string;
}

/**
 * Validates a raw configuration object: `${VAR}` references resolved, FLEXIAI_* overrides applied,
 * a `preset` filled in under the explicit options, defaults filled, secrets wrapped. Throws a ConfigurationError naming every bad field's path and
 * never its value.
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): FlexiAIConfig {
  const where = options.source ? ` in ${options.source}` : '';
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigurationError(`Invalid configuration${where}: expected an object`);
  }
  const env = options.env === false ? {} : (options.env ?? process.env);
  const issues: FieldIssue[] = [];
  const resolved = interpolateEnv(raw, env, issues) as Record<string, unknown>;
  if (issues.length) {
    throw new ConfigurationError(`Invalid configuration${where}:`, { issues });
  }
  const overrides = options.env === false ? [] : applyEnvOverrides(resolved, env);

  const result = configSchema.safeParse(applyPreset(resolved));
  if (!result.success) {
    const fromEnv = new Map(overrides.map((o) => [o.path, o.env]));
    const found = toPathIssues(result.error).map((issue) => {
      const variable = fromEnv.get(issue.path);
      return variable ? { ...issue, message: `${issue.message} (set by ${variable})` } : issue;
    });
    throw new ConfigurationError(`Invalid configuration${where}:`, { issues: found });
  }
  return result.data;
}
