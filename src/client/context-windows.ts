import type { RouteCandidate } from './provider-slot.js';

/**
 * Context windows (input + output tokens) of well-known models, for the `context_length` failover
 * trigger. Deliberately small and self-contained: a model catalog (src/cost/) can replace this
 * lookup later; `providers[].contextWindow` overrides it for a provider's models.
 */
const CONTEXT_WINDOWS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-4-turbo', 128_000],
  ['gpt-4', 8_192],
  ['gpt-3.5-turbo', 16_385],
  ['gpt-5', 400_000],
  ['o1', 200_000],
  ['o3', 200_000],
  ['o4-mini', 200_000],
  ['claude-', 200_000],
  ['gemini-1.5-pro', 2_097_152],
  ['gemini-1.5-flash', 1_048_576],
  ['gemini-2', 1_048_576],
  ['gemini-', 1_048_576],
];

/** A model's context window in tokens, when known (the longest matching prefix wins). */
export function knownContextWindow(model: string): number | undefined {
  let best: readonly [string, number] | undefined;
  for (const entry of CONTEXT_WINDOWS) {
    if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1];
}

/** The context window of a route candidate: its provider's `contextWindow`, else the table. */
export function contextWindowOf(candidate: RouteCandidate): number | undefined {
  const configured = (candidate.slot.config as { contextWindow?: number } | undefined)
    ?.contextWindow;
  return configured ?? knownContextWindow(candidate.model);
}
