/**
 * The next cooldown deadline after a rate limit asked for `requestedUntil` (epoch ms): capped at
 * `now + maxCooldownMs`, and never earlier than the current deadline. Deadlines only ever extend.
 */
export function extendDeadline(
  current: number | null,
  requestedUntil: number,
  now: number,
  maxCooldownMs: number,
): number | null {
  const capped = Math.min(requestedUntil, now + maxCooldownMs);
  if (current !== null && current >= capped) return current;
  return capped <= now ? current : capped;
}
