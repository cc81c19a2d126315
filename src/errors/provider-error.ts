import { FlexiAIError, type ErrorCode } from './flexiai-error.js';
import { isRetryableFailure } from './is-retryable.js';
import type { RefusalKind } from './refusal-kind.js';

export interface ProviderErrorOptions {
  provider: string;
  model: string;
  /** Upstream HTTP status, when a response arrived. */
  status?: number;
  /** Upstream request id (x-request-id, request-id, ...). */
  requestId?: string;
  /** Wait the upstream asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The upstream's own error type and code, e.g. `server_error`, `overloaded_error`. */
  upstreamType?: string;
  upstreamCode?: string;
  /** A bounded, already redacted excerpt of the upstream body. */
  body?: string;
  /** The upstream's explicit retry hint (`x-should-retry`), when sent. */
  shouldRetry?: boolean;
  /** A refusal another provider may not share (context length, content policy, unknown model). */
  refusal?: RefusalKind;
  cause?: unknown;
}

/**
 * A provider call failed. Carries what a caller needs to decide and to report: which provider and
 * model, the upstream status and request id, whether a retry can help, and how long to wait.
 * The message and body are redacted by the adapter that builds the error.
 */
export class ProviderError extends FlexiAIError {
  static override readonly errorName: string = 'ProviderError';
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamType: string | undefined;
  readonly upstreamCode: string | undefined;
  readonly body: string | undefined;
  readonly shouldRetry: boolean | undefined;
  /** Set when the upstream refused for a reason a route may fail over on (`failoverOn`). */
  readonly refusal: RefusalKind | undefined;
  /** Whether calling the same provider again may succeed (decided by `isRetryableFailure`). */
  readonly retryable: boolean;

  constructor(message: string, options: ProviderErrorOptions, code: ErrorCode = 'provider_error') {
    super(code, `${options.provider} (${options.model}): ${message}`, options);
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamType = options.upstreamType;
    this.upstreamCode = options.upstreamCode;
    this.body = options.body;
    this.shouldRetry = options.shouldRetry;
    this.refusal = options.refusal;
    this.retryable = isRetryableFailure({
      code,
      status: options.status,
      shouldRetry: options.shouldRetry,
    });
  }

  protected override details(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      provider: this.provider,
      model: this.model,
      retryable: this.retryable,
    };
    if (this.status !== undefined) out.status = this.status;
    if (this.requestId !== undefined) out.requestId = this.requestId;
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.refusal !== undefined) out.refusal = this.refusal;
    if (this.upstreamType !== undefined) out.upstreamType = this.upstreamType;
    if (this.upstreamCode !== undefined) out.upstreamCode = this.upstreamCode;
    if (this.body !== undefined) out.body = this.body;
    return out;
  }
}
