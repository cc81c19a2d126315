import type {
  GeminiProviderConfig,
  VertexAIProviderConfig,
} from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import type { Clock } from '../../internal/clock.js';
import type { Secret } from '../../internal/secret.js';
import { decodeSse } from '../../transport/decode-sse.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import type { ProviderChatResult } from '../../types/response.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import type {
  HealthCheckResult,
  Provider,
  ProviderCallOptions,
  ProviderDeps,
  ProviderRequest,
} from '../provider.js';
import { header } from '../shared/headers.js';
import { inCallerPhase } from '../shared/caller-phase.js';
import { HealthCheckCache } from '../shared/health-check-cache.js';
import {
  jsonResponse,
  postJsonToProvider,
  streamResponse,
} from '../shared/post-json-to-provider.js';
import type { ErrorMapping } from '../shared/upstream-error.js';
import { ProviderHttp } from '../shared/provider-http.js';
import { USER_AGENT } from '../shared/version.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { GeminiEndpoint } from './gemini-endpoint.js';
import { mergeGeminiProviderOptions, thoughtSignaturesFrom } from './gemini-provider-options.js';
import { geminiResponseSchema } from './gemini-wire.js';
import {
  createGoogleAuthFetcher,
  GoogleAuthTokenError,
  type GoogleAuthLoader,
} from './google-auth-token.js';
import { geminiErrorInBody, mapGeminiError } from './map-gemini-error.js';
import { droppedParamsFor } from '../shared/capabilities.js';
import { streamWithDroppedParams, withDroppedParams } from '../shared/dropped-params.js';
import { mapGeminiResponse } from './map-gemini-response.js';
import { mapGeminiStream } from './map-gemini-stream.js';
import { ThoughtSignatureStore, validatesThoughtSignatures } from './thought-signature-store.js';
import { CachingTokenSource, StaticTokenSource, type TokenSource } from './vertex-token-source.js';

export type GeminiWireConfig = GeminiProviderConfig | VertexAIProviderConfig;

export interface GeminiProviderOptions {
  /** Vertex AI: where bearer tokens come from (default: `accessToken`, else google-auth-library). */
  tokenSource?: TokenSource;
  /** Vertex AI: how google-auth-library is loaded (tests simulate it missing). */
  loadGoogleAuth?: GoogleAuthLoader;
}

interface Auth {
  headers: Record<string, string>;
  /** Credentials of this call, redacted from anything upstream text reaches. */
  secrets: string[];
}

/**
 * Google's Gemini models over one wire format and two endpoints: the Gemini API (`gemini`, an API
 * key in `x-goog-api-key`) and Vertex AI (`vertexai`, an OAuth bearer token: a static
 * `accessToken`, a service-account file, or Application Default Credentials).
 */
export class GeminiProvider implements Provider {
  readonly name: string;
  readonly type: GeminiWireConfig['type'];
  readonly model: string;
  private readonly config: GeminiWireConfig;
  private readonly http: ProviderHttp;
  private readonly clock: Clock;
  private readonly endpoint: GeminiEndpoint;
  private readonly baseHeaders: Record<string, string>;
  /** Kept as a Secret (masked in logs and util.inspect); revealed only to build a request. */
  private readonly apiKey: Secret | undefined;
  private readonly tokens: TokenSource | undefined;
  private readonly health: HealthCheckCache;
  private readonly signatures = new ThoughtSignatureStore();

  constructor(config: GeminiWireConfig, deps: ProviderDeps, options: GeminiProviderOptions = {}) {
    this.config = config;
    this.name = config.name;
    this.type = config.type;
    this.model = config.model;
    this.clock = deps.clock;
    this.http = new ProviderHttp(config);
    this.health = new HealthCheckCache(config.healthCheckTtlMs, deps.clock);
    this.baseHeaders = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...config.headers,
    };
    if (config.type === 'gemini') {
      this.endpoint = new GeminiEndpoint({ kind: 'gemini', baseURL: config.baseURL });
      this.apiKey = config.apiKey;
    } else {
      this.endpoint = new GeminiEndpoint({
        kind: 'vertexai',
        baseURL: config.baseURL,
        project: config.project,
        location: config.location,
      });
      this.tokens =
        options.tokenSource ??
        (config.accessToken
          ? new StaticTokenSource(config.accessToken)
          : new CachingTokenSource(
              createGoogleAuthFetcher({
                providerName: config.name,
                credentialsFile: config.credentialsFile,
                ...(options.loadGoogleAuth ? { load: options.loadGoogleAuth } : {}),
              }),
              deps.clock,
            ));
    }
  }

  chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    return postJsonToProvider({
      ...this.generateCall(request, options, false),
      onSuccess: jsonResponse({
        schema: geminiResponseSchema,
        what: 'a GenerateContentResponse',
        errorInBody: geminiErrorInBody,
        requestIdHeader: 'x-request-id',
        map: (generated, meta) =>
          withDroppedParams(
            mapGeminiResponse(generated, { ...meta, signatures: this.signatures }),
            droppedParamsFor(this.type, request),
          ),
      }),
    });
  }

  chatStream(
    request: ProviderRequest,
    options: ProviderCallOptions,
  ): Promise<AsyncIterable<StreamChunk>> {
    return postJsonToProvider({
      ...this.generateCall(request, options, true),
      onSuccess: streamResponse((response, { target, secrets }) =>
        streamWithDroppedParams(
          mapGeminiStream(decodeSse(response.body), {
            target,
            secrets,
            requestId: header(response.headers, 'x-request-id'),
            now: () => this.clock.now(),
            signatures: this.signatures,
          }),
          droppedParamsFor(this.type, request),
        ),
      ),
    });
  }

  healthCheck(options: { signal?: AbortSignal; force?: boolean } = {}): Promise<HealthCheckResult> {
    return this.health.get(async () => {
      const target = this.http.target(this.model);
      const auth = await this.auth(target);
      const check = this.endpoint.healthCheck(this.model);
      const headers = { ...this.baseHeaders, ...auth.headers };
      await this.http.sendOk(
        { ...check, headers, signal: options.signal, model: this.model },
        this.errors(auth.secrets),
      );
    }, options.force);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** Error mapping for one call's credentials; a refused token is dropped (see `failed`). */
  private errors(secrets: readonly string[]): ErrorMapping {
    return {
      mapError: (input) => this.failed(mapGeminiError(input)),
      secrets,
      now: () => this.clock.now(),
    };
  }

  /** The request half of a generateContent call: the body (caller phase), then URL and token. */
  private generateCall(request: ProviderRequest, options: ProviderCallOptions, stream: boolean) {
    return {
      http: this.http,
      model: request.model,
      signal: options.signal,
      // Converted first: a request this provider cannot express fails before any token or network.
      buildBody: () => {
        const given = thoughtSignaturesFrom(request.providerOptions, this.type, this.name);
        const converted = convertToGeminiRequest(request, {
          signatureOf: (id) => given.get(id) ?? this.signatures.get(id),
          fillMissingSignatures: validatesThoughtSignatures(request.model),
        });
        return mergeGeminiProviderOptions(converted, request.providerOptions, this.type, this.name);
      },
      endpoint: async () => {
        // The model is the caller's (`provider/model`): a name the URL cannot hold is the caller's error.
        const url = inCallerPhase(this.http.target(request.model), () =>
          this.endpoint.call(request.model, stream ? 'streamGenerateContent' : 'generateContent'),
        );
        const auth = await this.auth(this.http.target(request.model));
        return {
          url,
          headers: { ...this.baseHeaders, ...auth.headers },
          errors: this.errors(auth.secrets),
        };
      },
    };
  }

  private async auth(target: CallTarget): Promise<Auth> {
    const tokens = this.tokens;
    if (this.apiKey !== undefined || tokens === undefined) {
      const key = this.apiKey?.reveal() ?? '';
      return { headers: { 'x-goog-api-key': key }, secrets: [key] };
    }
    let token: string;
    try {
      token = await tokens.getToken();
    } catch (error) {
      if (!(error instanceof GoogleAuthTokenError)) throw error;
      throw new AuthenticationError(`could not get a Vertex AI access token: ${error.message}`, {
        ...target,
        upstreamType: 'google_auth',
      });
    }
    const secrets = [token];
    const configured =
      this.config.type === 'vertexai' ? this.config.accessToken?.reveal() : undefined;
    if (configured && configured !== token) secrets.push(configured);
    return { headers: { authorization: `Bearer ${token}` }, secrets };
  }

  /** A refused token is dropped, so the next call fetches a fresh one. */
  private failed<E extends Error & { status?: number | undefined }>(error: E): E {
    if (error.status === 401) this.tokens?.invalidate();
    return error;
  }
}

export const createGeminiProvider = (config: GeminiWireConfig, deps: ProviderDeps): Provider =>
  new GeminiProvider(config, deps);
