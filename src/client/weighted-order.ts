import type { RouteCandidate } from './provider-slot.js';

/**
 * One request's order over a weighted route: the weighted candidates are drawn without
 * replacement in proportion to their weights (Efraimidis–Spirakis keys `u^(1/w)`, from `random`)
 * and put back into the positions weighted candidates hold in the route; candidates without a
 * weight keep their place. Failover then walks the result in order, so what is left is tried next.
 */
export function weightedOrder(
  candidates: readonly RouteCandidate[],
  weights: Readonly<Record<string, number>>,
  random: () => number,
): RouteCandidate[] {
  const positions: number[] = [];
  const drawn: { candidate: RouteCandidate; key: number }[] = [];
  candidates.forEach((candidate, i) => {
    const weight = weights[candidate.slot.name];
    if (weight === undefined) return;
    positions.push(i);
    // 1 - random() is in (0, 1], so the key is never 0^x.
    drawn.push({ candidate, key: Math.pow(1 - random(), 1 / weight) });
  });
  if (drawn.length < 2) return [...candidates];
  drawn.sort((a, b) => b.key - a.key);
  const out = [...candidates];
  positions.forEach((position, i) => {
    out[position] = drawn[i]!.candidate;
  });
  return out;
}
