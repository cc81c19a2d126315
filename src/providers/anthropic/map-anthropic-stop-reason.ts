import type { FinishReason } from '../../types/finish-reason.js';

/**
 * Anthropic stop_reason to the unified finish reason. `pause_turn` (a server-tool turn paused, to
 * be continued by sending the answer back) and `model_context_window_exceeded` both mean the
 * answer is incomplete: `length`. A reason this version does not know maps to `stop`; the raw value
 * is kept in `providerMetadata.stopReason`.
 */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
    case 'pause_turn':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      // end_turn, stop_sequence, null
      return 'stop';
  }
}
