const KINDS = Symbol.for('flexiai.error.kinds');

/** Every error code FlexiAI throws. Stable: programs branch on these. */
export type ErrorCode =
  | 'configuration_error'
  | 'validation_error'
  | 'model_not_found'
  | 'aborted'
  | 'client_closed'
  | 'circuit_open'
  | 'all_providers_failed'
  | 'provider_error'
  | 'authentication_error'
  | 'rate_limit_error'
  | 'invalid_request'
  | 'timeout_error'
  | 'connection_error'
  | 'malformed_response'
  | 'response_too_large'
  | 'content_filter'
  | 'stream_interrupted'
  | 'middleware_error'
  | 'structured_output_invalid'
  | 'chat_function_failed'
  | 'overloaded';

export interface FlexiAIErrorOptions {
  cause?: unknown;
}

type ErrorClass = { readonly errorName?: string } & (abstract new (...args: never[]) => unknown);

/**
 * Base of every error FlexiAI throws. Instances carry a brand (`Symbol.for`), so `isInstance` works
 * across duplicate copies of the package where `instanceof` does not. `toJSON()` holds no secret.
 */
export class FlexiAIError extends Error {
  static readonly errorName: string = 'FlexiAIError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: FlexiAIErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const kinds: string[] = [];
    for (let c = new.target as ErrorClass | null; c && c.errorName; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'errorName')) kinds.push(c.errorName);
    }
    this.name = kinds[0] ?? 'FlexiAIError';
    Object.defineProperty(this, KINDS, { value: kinds, enumerable: false });
  }

  /** True when `value` is an instance of this class (or a subclass), from any copy of FlexiAI. */
  static isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    const kinds = (value as { [KINDS]?: unknown })[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.errorName);
  }

  /** Fields specific to the subclass, merged into `toJSON()`. */
  protected details(): Record<string, unknown> {
    return {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...this.details(),
      ...(this.cause === undefined ? {} : { cause: serializeCause(this.cause) }),
    };
  }
}

/** A cause as JSON: FlexiAI errors in full, other errors by name, code and message only. */
export function serializeCause(cause: unknown): unknown {
  if (FlexiAIError.isInstance(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return typeof cause === 'string' ? cause : undefined;
}
