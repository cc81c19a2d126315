import { FlexiAIError } from './flexiai-error.js';

/**
 * A spending budget is used up: the request was refused before any upstream call. Names the
 * budget, its limit and what it has spent, and when it resets (absent for a `total` budget).
 */
export class BudgetExceededError extends FlexiAIError {
  static override readonly errorName: string = 'BudgetExceededError';
  readonly budget: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
  /** Epoch ms when the budget's period ends; undefined for a `total` budget. */
  readonly resetAt: number | undefined;

  constructor(options: { budget: string; limitUsd: number; spentUsd: number; resetAt?: number }) {
    const reset =
      options.resetAt === undefined
        ? 'it does not reset'
        : `it resets at ${new Date(options.resetAt).toISOString()}`;
    super(
      'budget_exceeded',
      `Budget "${options.budget}" is exhausted (spent $${options.spentUsd.toFixed(6)} of $${options.limitUsd}); ${reset}`,
    );
    this.budget = options.budget;
    this.limitUsd = options.limitUsd;
    this.spentUsd = options.spentUsd;
    this.resetAt = options.resetAt;
  }

  /** Milliseconds until the budget resets, from `now`; undefined for a `total` budget. */
  retryAfterMs(now: number): number | undefined {
    return this.resetAt === undefined ? undefined : Math.max(0, this.resetAt - now);
  }

  protected override details(): Record<string, unknown> {
    return {
      budget: this.budget,
      limitUsd: this.limitUsd,
      spentUsd: this.spentUsd,
      ...(this.resetAt === undefined ? {} : { resetAt: new Date(this.resetAt).toISOString() }),
    };
  }
}
