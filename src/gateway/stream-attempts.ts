import type { StreamCommit } from '../client/chat-stream.js';
import type { Attempt } from '../types/attempt.js';

/**
 * The attempts of a stream when its response headers are written. A stream commits to a provider
 * when that provider's first output arrives, but the serving call is recorded only when the stream
 * ends (a stream succeeds only when it completes), so `commit.attempts` does not hold it yet: it is
 * added here as the call in progress. Without it, a stream served at the first try reported
 * `x-flexiai-attempts: 0`.
 */
export function attemptsAtCommit(commit: StreamCommit | undefined): Attempt[] {
  if (!commit) return [];
  const recorded = commit.attempts.some(
    (a) => a.ok && a.provider === commit.provider && a.skipped === undefined,
  );
  return recorded
    ? [...commit.attempts]
    : [
        ...commit.attempts,
        { provider: commit.provider, model: commit.model, ok: true, latencyMs: 0 },
      ];
}
