import { formatIssues, type FieldIssue } from './configuration-error.js';
import { FlexiAIError, type FlexiAIErrorOptions } from './flexiai-error.js';

/** A request is invalid. Thrown before any network call. */
export class ValidationError extends FlexiAIError {
  static override readonly errorName: string = 'ValidationError';
  readonly issues: readonly FieldIssue[];
  /** Path of the first bad field, e.g. `messages.0.role`. */
  readonly path: string;

  constructor(issues: FieldIssue[], options: FlexiAIErrorOptions = {}) {
    super('validation_error', `Invalid request:\n${formatIssues(issues)}`, options);
    this.issues = issues;
    this.path = issues[0]?.path ?? '';
  }

  protected override details(): Record<string, unknown> {
    return { path: this.path, issues: this.issues };
  }
}
