import type { Attempt } from '../types/attempt.js';
import { AllProvidersFailedError } from './all-providers-failed-error.js';
import { FlexiAIError, type ErrorCode } from './flexiai-error.js';
import { ProviderError } from './provider-error.js';

export interface ChatFunctionErrorOptions {
  /** The wrapped function or decorated method, e.g. `summarize` or `Assistant.summarize`. */
  functionName: string;
  /** The original error: always kept as `cause`. */
  cause: unknown;
}

/**
 * A function made with `ai.fn` or a method decorated with `@chat` failed. Says which one, and which
 * providers were tried; the original error is the `cause` (its `code` is `reason`), so
 * `AllProvidersFailedError.isInstance(error.cause)` and the like still work.
 */
export class ChatFunctionError extends FlexiAIError {
  static override readonly errorName: string = 'ChatFunctionError';
  readonly functionName: string;
  /** Every provider attempted or passed over, in order, each once (empty when none was reached). */
  readonly providers: readonly string[];
  /** Every upstream call and skip, when the cause lists them (AllProvidersFailedError). */
  readonly attempts: readonly Attempt[];
  /** The cause's error code, when it is a FlexiAI error. */
  readonly reason: ErrorCode | undefined;

  constructor(options: ChatFunctionErrorOptions) {
    const { cause, functionName } = options;
    const attempts = AllProvidersFailedError.isInstance(cause) ? cause.attempts : [];
    const providers = [
      ...new Set(
        attempts.length
          ? attempts.map((a) => a.provider)
          : ProviderError.isInstance(cause)
            ? [cause.provider]
            : providerOf(cause),
      ),
    ];
    const tried = providers.length ? ` (providers tried: ${providers.join(', ')})` : '';
    const message = cause instanceof Error ? cause.message : String(cause);
    super('chat_function_failed', `${functionName}() failed${tried}: ${message}`, { cause });
    this.functionName = functionName;
    this.providers = providers;
    this.attempts = attempts;
    this.reason = FlexiAIError.isInstance(cause) ? cause.code : undefined;
  }

  protected override details(): Record<string, unknown> {
    return {
      functionName: this.functionName,
      providers: this.providers,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
    };
  }
}

/** A `provider` string field of another FlexiAI error (StructuredOutputError names its provider). */
const providerOf = (cause: unknown): string[] => {
  if (!FlexiAIError.isInstance(cause)) return [];
  const provider = (cause as { provider?: unknown }).provider;
  return typeof provider === 'string' ? [provider] : [];
};
