/** A command line that cannot be run as written (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of every command (contract.md). */
export const EXIT = { ok: 0, requestFailed: 1, usage: 2 } as const;
