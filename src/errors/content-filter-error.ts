import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** The provider refused the prompt on content grounds (e.g. Gemini promptFeedback.blockReason). */
export class ContentFilterError extends ProviderError {
  static override readonly errorName: string = 'ContentFilterError';

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options, 'content_filter');
  }
}
