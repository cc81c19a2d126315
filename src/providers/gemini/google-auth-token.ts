import { ConfigurationError } from '../../errors/configuration-error.js';
import { redactSecrets } from '../../internal/redact.js';
import type { AccessToken } from './vertex-token-source.js';

/** The part of google-auth-library we use (kept structural: it is an optional peer dependency). */
interface GoogleAuthClientLike {
  getAccessToken(): Promise<{ token?: string | null }>;
  credentials?: { expiry_date?: number | null } | undefined;
}

interface GoogleAuthLike {
  getClient(): Promise<GoogleAuthClientLike>;
}

export interface GoogleAuthModule {
  GoogleAuth: new (options: { scopes: string[]; keyFile?: string }) => GoogleAuthLike;
}

/** Loads google-auth-library; replaced in tests. */
export type GoogleAuthLoader = () => Promise<GoogleAuthModule>;

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

const PACKAGE = 'google-auth-library';

/** Imported only when a Vertex AI provider without a static accessToken makes its first call. */
export const loadGoogleAuthLibrary: GoogleAuthLoader = async () =>
  (await import(PACKAGE)) as GoogleAuthModule;

const isModuleNotFound = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

/** The fetch failed for a reason of Google's (no ADC, bad key file, revoked account). */
export class GoogleAuthTokenError extends Error {
  override readonly name = 'GoogleAuthTokenError';
}

export interface GoogleAuthFetcherOptions {
  providerName: string;
  /** A service-account JSON file; Application Default Credentials when absent. */
  credentialsFile?: string | undefined;
  load?: GoogleAuthLoader;
}

/**
 * A token fetcher over google-auth-library: Application Default Credentials, or the
 * service-account file of the configuration. The library is loaded on the first fetch; when it
 * is not installed the fetch fails with a ConfigurationError that says how to fix it.
 */
export function createGoogleAuthFetcher(
  options: GoogleAuthFetcherOptions,
): () => Promise<AccessToken> {
  let client: Promise<GoogleAuthClientLike> | undefined;
  const load = options.load ?? loadGoogleAuthLibrary;

  const getClient = async (): Promise<GoogleAuthClientLike> => {
    let module: GoogleAuthModule;
    try {
      module = await load();
    } catch (error) {
      if (!isModuleNotFound(error)) throw error;
      throw new ConfigurationError(
        `Provider "${options.providerName}" (vertexai) needs the optional package ${PACKAGE} for ` +
          `${options.credentialsFile ? 'credentialsFile' : 'Application Default Credentials'}: ` +
          `run \`npm install ${PACKAGE}@^10\`, or set accessToken in its configuration`,
      );
    }
    const auth = new module.GoogleAuth({
      scopes: [CLOUD_PLATFORM_SCOPE],
      ...(options.credentialsFile ? { keyFile: options.credentialsFile } : {}),
    });
    return auth.getClient();
  };

  return async () => {
    client ??= getClient().catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    let token: string | null | undefined;
    let authClient: GoogleAuthClientLike;
    try {
      authClient = await client;
      token = (await authClient.getAccessToken()).token;
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      // google-auth-library errors may carry request configs (signed assertions): keep only the
      // redacted message, never the error itself.
      const message = error instanceof Error ? error.message : String(error);
      throw new GoogleAuthTokenError(redactSecrets(message).slice(0, 300));
    }
    if (!token) throw new GoogleAuthTokenError('google-auth-library returned no access token');
    const expiry = authClient.credentials?.expiry_date;
    return { token, ...(typeof expiry === 'number' ? { expiresAt: expiry } : {}) };
  };
}
