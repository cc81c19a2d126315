import { FlexiAIError, type FlexiAIErrorOptions } from './flexiai-error.js';

/** One problem in a configuration or a request: where it is and what is wrong. Never the value. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `providers.0.timeoutMs`. */
  path: string;
  message: string;
}

export const formatIssues = (issues: readonly FieldIssue[]): string =>
  issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n');

/** The configuration is invalid or cannot be loaded. Thrown at load, before any network I/O. */
export class ConfigurationError extends FlexiAIError {
  static override readonly errorName: string = 'ConfigurationError';
  readonly issues: readonly FieldIssue[];

  constructor(message: string, options: FlexiAIErrorOptions & { issues?: FieldIssue[] } = {}) {
    const issues = options.issues ?? [];
    super(
      'configuration_error',
      issues.length ? `${message}\n${formatIssues(issues)}` : message,
      options,
    );
    this.issues = issues;
  }

  protected override details(): Record<string, unknown> {
    return { issues: this.issues };
  }
}
