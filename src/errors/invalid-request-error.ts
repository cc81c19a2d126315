import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider rejected the request itself (400/404/422). Never retried, never failed over. */
export class InvalidRequestError extends ProviderError {
  static override readonly errorName: string = 'InvalidRequestError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'invalid_request');
  }
}
