/** The system message every cache benchmark request starts with. */
export const SYSTEM = { role: 'system' as const, content: 'You are terse.' };

/**
 * Requests no cache has seen: a new prompt per call, all of the same length, so a miss costs the
 * same on every call. Shared by the cache bench and the instruction-count loop, so both measure
 * the same requests.
 */
export function freshPrompts(): () => {
  messages: [typeof SYSTEM, { role: 'user'; content: string }];
} {
  let n = 0;
  return () => ({
    messages: [
      SYSTEM,
      { role: 'user', content: `Say hello #${(n += 1).toString(36).padStart(6, '0')}` },
    ],
  });
}
