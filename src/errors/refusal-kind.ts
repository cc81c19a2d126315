/**
 * Why a provider refused a request that another provider might accept: the prompt is longer than
 * its context window, its content policy blocked it, or it does not serve the model. A route's
 * `failoverOn` lists the kinds that move the request to the next candidate instead of ending it.
 */
export type RefusalKind = 'context_length' | 'content_filter' | 'model_not_found';

export const REFUSAL_KINDS = ['context_length', 'content_filter', 'model_not_found'] as const;

/** The refusal kind a thrown error carries (`ProviderError.refusal`, or a content-filter code). */
export function refusalOf(error: unknown): RefusalKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { refusal, code } = error as { refusal?: unknown; code?: unknown };
  if (typeof refusal === 'string' && (REFUSAL_KINDS as readonly string[]).includes(refusal)) {
    return refusal as RefusalKind;
  }
  return code === 'content_filter' ? 'content_filter' : undefined;
}
