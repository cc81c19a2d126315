import type { FinishReason } from '../../types/finish-reason.js';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/** The model tried to call a tool and failed: the answer is not usable as it is. */
const ERROR = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'LANGUAGE',
]);

/**
 * Gemini's finishReason to the unified one. A candidate with function calls finished to call
 * them (`tool_calls`) whatever Gemini says (it says STOP). OTHER, FINISH_REASON_UNSPECIFIED and
 * reasons newer than this table map to `stop`; the raw value is kept in providerMetadata.
 */
export function mapGeminiFinishReason(
  reason: string | null | undefined,
  hasToolCalls: boolean,
): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && CONTENT_FILTER.has(reason)) return 'content_filter';
  if (reason && ERROR.has(reason)) return 'error';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
