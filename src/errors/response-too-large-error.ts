import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The upstream response exceeded the configured size limit; the transfer was aborted. */
export class ResponseTooLargeError extends ProviderError {
  static override readonly errorName: string = 'ResponseTooLargeError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'response_too_large');
  }
}
