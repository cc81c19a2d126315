import type { ToolCall } from '../types/tool.js';
import { ProviderError, type ProviderErrorOptions } from './provider-error.js';

/** What a stream delivered before it broke. */
export interface PartialOutput {
  content: string;
  toolCalls: ToolCall[];
}

/**
 * A stream broke: it ended before its provider's final event, stalled past the idle timeout, or
 * carried an error after output had begun. Never a clean end of a truncated answer. `partial`
 * holds what was received when the stream had already been committed to the caller.
 */
export class StreamInterruptedError extends ProviderError {
  static override readonly errorName: string = 'StreamInterruptedError';
  readonly partial: PartialOutput | undefined;

  constructor(message: string, options: ProviderErrorOptions & { partial?: PartialOutput }) {
    super(message, options, 'stream_interrupted');
    this.partial = options.partial;
  }

  protected override details(): Record<string, unknown> {
    return {
      ...super.details(),
      ...(this.partial
        ? {
            partial: {
              contentLength: this.partial.content.length,
              toolCalls: this.partial.toolCalls.length,
            },
          }
        : {}),
    };
  }
}
