import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider answered with a body that is not the wire format it promised, or an error inside a 200. */
export class MalformedResponseError extends ProviderError {
  static override readonly errorName: string = 'MalformedResponseError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'malformed_response');
  }
}
