import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider refused the credentials (401/403). Not retried on this provider; it is reported misconfigured. */
export class AuthenticationError extends ProviderError {
  static override readonly errorName: string = 'AuthenticationError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'authentication_error');
  }
}
