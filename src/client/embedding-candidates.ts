import { ConfigurationError } from '../errors/configuration-error.js';
import type { RouteCandidate } from './provider-slot.js';
import type { Router } from './router.js';

/** A provider able to embed for one request, with the model and dimensions it will be asked for. */
export interface EmbeddingCandidate extends RouteCandidate {
  dimensions: number | undefined;
}

/**
 * The providers an embedding request may use, in failover order. `model` may name an embedding
 * model (every enabled provider serving it, by priority), a route or a provider (its members that
 * serve embeddings); absent, the default order. Only providers serving the SAME embedding model
 * and dimensions as the first capable one are kept: vectors of different models or dimensions are
 * not comparable, so failover never mixes them. No capable provider is a ConfigurationError,
 * before any network call.
 */
export function embeddingCandidates(
  router: Router,
  model: string | undefined,
  dimensions: number | undefined,
): EmbeddingCandidate[] {
  const everyone = router.enabledSlots();
  const serving =
    model !== undefined && model !== 'default'
      ? everyone.filter((slot) => slot.provider.embed && slot.provider.embeddingModel === model)
      : [];
  const members = serving.length
    ? serving.map((slot) => ({ slot, model: slot.provider.model }))
    : router.resolve(model);
  const capable = members.filter(
    ({ slot }) =>
      slot.provider.embed &&
      slot.provider.embeddingModel &&
      (dimensions === undefined ||
        slot.provider.embeddingDimensions === undefined ||
        slot.provider.embeddingDimensions === dimensions),
  );
  const first = capable[0];
  if (!first) {
    const asked = model ?? 'default';
    throw new ConfigurationError(
      dimensions === undefined
        ? `No provider for "${asked}" serves embeddings: configure \`embeddingModel\` on an OpenAI, OpenAI-compatible, Gemini or Vertex AI provider (Anthropic has no embeddings API)`
        : `No provider for "${asked}" serves embeddings of ${dimensions} dimensions`,
    );
  }
  const space = (c: RouteCandidate) =>
    `${c.slot.provider.embeddingModel ?? ''}|${dimensions ?? c.slot.provider.embeddingDimensions ?? ''}`;
  const wanted = space(first);
  return capable
    .filter((c) => space(c) === wanted)
    .map(({ slot }) => ({
      slot,
      model: slot.provider.embeddingModel ?? '',
      dimensions: dimensions ?? slot.provider.embeddingDimensions,
    }));
}
