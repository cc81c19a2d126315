import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider rate-limited the call (429). retryAfterMs says how long it asked us to wait. */
export class RateLimitError extends ProviderError {
  static override readonly errorName: string = 'RateLimitError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'rate_limit_error');
  }
}
