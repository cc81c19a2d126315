import type { FieldIssue } from './configuration-error.js';
import { formatIssues } from './configuration-error.js';
import { FlexiAIError, type FlexiAIErrorOptions } from './flexiai-error.js';

export interface StructuredOutputErrorOptions extends FlexiAIErrorOptions {
  /** The last answer as the model produced it (JSON text, or a tool call's arguments). */
  raw: string;
  /** What is wrong with it: JSON syntax, or the schema's issues, one per bad field. */
  issues: FieldIssue[];
  /** How many answers were asked for (the first one plus the retries). */
  tries: number;
  /** The provider that gave the last answer. */
  provider: string;
  /** The name the schema was sent under. */
  schemaName: string;
}

/**
 * The model's answer did not match the schema, even after it was shown the validation errors and
 * asked again. `raw` holds the last answer; `toJSON()` gives its length only, never the text (it
 * is model output, kept out of logs like `logging.logContent` keeps content out by default).
 */
export class StructuredOutputError extends FlexiAIError {
  static override readonly errorName: string = 'StructuredOutputError';
  readonly raw: string;
  readonly issues: readonly FieldIssue[];
  readonly tries: number;
  readonly provider: string;
  readonly schemaName: string;

  constructor(options: StructuredOutputErrorOptions) {
    super(
      'structured_output_invalid',
      `The answer of ${options.provider} does not match the schema "${options.schemaName}" ` +
        `after ${options.tries} ${options.tries === 1 ? 'try' : 'tries'}:\n${formatIssues(options.issues)}`,
      options,
    );
    this.raw = options.raw;
    this.issues = options.issues;
    this.tries = options.tries;
    this.provider = options.provider;
    this.schemaName = options.schemaName;
  }

  protected override details(): Record<string, unknown> {
    return {
      provider: this.provider,
      schemaName: this.schemaName,
      tries: this.tries,
      issues: this.issues,
      rawLength: this.raw.length,
    };
  }
}
