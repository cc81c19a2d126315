import { FlexiAIError } from './flexiai-error.js';

/** A call was made after `close()`. */
export class ClientClosedError extends FlexiAIError {
  static override readonly errorName: string = 'ClientClosedError';

  constructor() {
    super('client_closed', 'This FlexiAI client is closed');
  }
}
