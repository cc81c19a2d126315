import type { Clock } from '../../internal/clock.js';
import { Secret } from '../../internal/secret.js';

/** An OAuth access token and when it expires (epoch ms), when known. */
export interface AccessToken {
  token: string;
  expiresAt?: number | undefined;
}

/** Where a Vertex AI provider gets the bearer token of each call. */
export interface TokenSource {
  getToken(): Promise<string>;
  /** Drops a cached token (after a 401), so the next call fetches a fresh one. */
  invalidate(): void;
}

/** A fixed token from the configuration (tests, short jobs): never refreshed. */
export class StaticTokenSource implements TokenSource {
  private readonly token: Secret;

  constructor(token: Secret | string) {
    this.token = typeof token === 'string' ? new Secret(token) : token;
  }

  getToken(): Promise<string> {
    return Promise.resolve(this.token.reveal());
  }

  invalidate(): void {
    // Nothing to refresh: a static token stays what the configuration says.
  }
}

export interface CachingTokenSourceOptions {
  /** Refresh this long before the token expires. */
  refreshMarginMs?: number;
  /** How long a token without a known expiry is kept. */
  defaultTtlMs?: number;
}

/**
 * Caches the token of a fetcher (google-auth-library, or an injected one in tests) and refreshes
 * it `refreshMarginMs` before it expires. Concurrent callers share one fetch. When a refresh fails
 * while the cached token has not yet expired, the cached token is still used.
 */
export class CachingTokenSource implements TokenSource {
  /** The token is held as a Secret, so inspecting a provider never shows it. */
  private cached: { token: Secret; refreshAt: number; expiresAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly refreshMarginMs: number;
  private readonly defaultTtlMs: number;

  constructor(
    private readonly fetchToken: () => Promise<AccessToken>,
    private readonly clock: Clock,
    options: CachingTokenSourceOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.defaultTtlMs = options.defaultTtlMs ?? 30 * 60_000;
  }

  getToken(): Promise<string> {
    const now = this.clock.now();
    if (this.cached && now < this.cached.refreshAt)
      return Promise.resolve(this.cached.token.reveal());
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async refresh(): Promise<string> {
    const stale = this.cached;
    let fresh: AccessToken;
    try {
      fresh = await this.fetchToken();
    } catch (error) {
      if (stale && this.clock.now() < stale.expiresAt) return stale.token.reveal();
      throw error;
    }
    const now = this.clock.now();
    const expiresAt = fresh.expiresAt ?? now + this.defaultTtlMs;
    // A token that lives shorter than the margin is still used once, then refreshed.
    const refreshAt = Math.max(now, expiresAt - this.refreshMarginMs);
    this.cached = { token: new Secret(fresh.token), refreshAt, expiresAt };
    return fresh.token;
  }
}
