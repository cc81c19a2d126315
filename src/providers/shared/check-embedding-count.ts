import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import type { CallTarget } from '../../transport/map-transport-error.js';

/**
 * An embeddings answer must hold exactly one vector per text sent, each of the same length:
 * otherwise vectors would be attributed to the wrong texts.
 */
export function checkEmbeddings(
  embeddings: readonly (readonly number[] | undefined)[],
  expected: number,
  context: { target: CallTarget; status: number; dimensions?: number | undefined },
): number[][] {
  const problem =
    embeddings.length !== expected
      ? `${embeddings.length} vectors for ${expected} inputs`
      : embeddings.some((v) => v === undefined)
        ? 'a vector is missing'
        : context.dimensions !== undefined &&
            embeddings.some((v) => v?.length !== context.dimensions)
          ? `vectors are not of the ${context.dimensions} dimensions asked for`
          : embeddings.some((v) => v?.length !== embeddings[0]?.length || v?.length === 0)
            ? 'vectors of different lengths'
            : undefined;
  if (problem) {
    throw new MalformedResponseError(`embedding response does not match the request: ${problem}`, {
      ...context.target,
      status: context.status,
    });
  }
  return embeddings as number[][];
}
