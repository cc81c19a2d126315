import { FlexiAIError, type FlexiAIErrorOptions } from './flexiai-error.js';

/** The caller aborted the request through its AbortSignal. Never counted against a provider. */
export class AbortedError extends FlexiAIError {
  static override readonly errorName: string = 'AbortedError';

  constructor(
    message = 'The request was aborted by the caller',
    options: FlexiAIErrorOptions = {},
  ) {
    super('aborted', message, options);
  }
}
