import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The connection could not be made or broke before a response (refused, reset, DNS). */
export class ConnectionError extends ProviderError {
  static override readonly errorName: string = 'ConnectionError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'connection_error');
  }
}
