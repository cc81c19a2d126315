import type { AnthropicProviderConfig } from '../../config/provider-config-schema.js';
import type { Clock } from '../../internal/clock.js';
import { decodeSse } from '../../transport/decode-sse.js';
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
import { HealthCheckCache } from '../shared/health-check-cache.js';
import { streamWithDroppedParams, withDroppedParams } from '../shared/dropped-params.js';
import { mergeProviderOptions } from '../shared/merge-provider-options.js';
import {
  jsonResponse,
  postJsonToProvider,
  streamResponse,
} from '../shared/post-json-to-provider.js';
import { ProviderHttp } from '../shared/provider-http.js';
import type { ErrorMapping } from '../shared/upstream-error.js';
import { USER_AGENT } from '../shared/version.js';
import { anthropicMessageSchema } from './anthropic-wire.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import {
  ANTHROPIC_REQUEST_ID_HEADER,
  anthropicErrorInBody,
  mapAnthropicError,
} from './map-anthropic-error.js';
import { mapAnthropicResponse } from './map-anthropic-response.js';
import { mapAnthropicStream } from './map-anthropic-stream.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Anthropic's Messages API (`POST {baseURL}/v1/messages`), non-streaming and streaming. */
export class AnthropicProvider implements Provider {
  readonly name: string;
  readonly type = 'anthropic' as const;
  readonly model: string;
  private readonly config: AnthropicProviderConfig;
  private readonly http: ProviderHttp;
  private readonly clock: Clock;
  // ES-private: util.inspect and console.log never show them (they hold the key).
  readonly #secrets: readonly string[];
  readonly #baseHeaders: Record<string, string>;
  readonly #errors: ErrorMapping;
  private readonly baseURL: string;
  private readonly health: HealthCheckCache;

  constructor(config: AnthropicProviderConfig, deps: ProviderDeps) {
    this.config = config;
    this.name = config.name;
    this.model = config.model;
    this.clock = deps.clock;
    this.http = new ProviderHttp(config);
    this.baseURL = (config.baseURL ?? ANTHROPIC_BASE_URL).replace(/\/+$/, '');
    const key = config.apiKey.reveal();
    this.#secrets = [key];
    this.#errors = {
      mapError: mapAnthropicError,
      secrets: this.#secrets,
      now: () => this.clock.now(),
    };
    this.#baseHeaders = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...config.headers,
      'anthropic-version': config.anthropicVersion,
      'x-api-key': key,
    };
    this.health = new HealthCheckCache(config.healthCheckTtlMs, deps.clock);
  }

  chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    const dropped: string[] = [];
    return postJsonToProvider({
      ...this.messagesCall(request, options, false, dropped),
      onSuccess: jsonResponse({
        schema: anthropicMessageSchema,
        what: 'an Anthropic message',
        errorInBody: anthropicErrorInBody,
        requestIdHeader: ANTHROPIC_REQUEST_ID_HEADER,
        map: (message, { requestId, now }) =>
          withDroppedParams(
            mapAnthropicResponse(message, { requestId, created: Math.floor(now / 1000) }),
            dropped,
          ),
      }),
    });
  }

  chatStream(
    request: ProviderRequest,
    options: ProviderCallOptions,
  ): Promise<AsyncIterable<StreamChunk>> {
    const dropped: string[] = [];
    return postJsonToProvider({
      ...this.messagesCall(request, options, true, dropped),
      onSuccess: streamResponse((response, { target }) =>
        streamWithDroppedParams(
          mapAnthropicStream(decodeSse(response.body), {
            target,
            secrets: this.#secrets,
            requestId: header(response.headers, ANTHROPIC_REQUEST_ID_HEADER),
            now: () => this.clock.now(),
            complete: response.complete,
          }),
          dropped,
        ),
      ),
    });
  }

  /** `GET /v1/models?limit=1`: authenticated, cheap, no tokens spent. Cached for healthCheckTtlMs. */
  healthCheck(options: { signal?: AbortSignal; force?: boolean } = {}): Promise<HealthCheckResult> {
    return this.health.get(async () => {
      const url = new URL(`${this.baseURL}/v1/models`);
      url.searchParams.set('limit', '1');
      const call = { url, method: 'GET' as const, headers: this.#baseHeaders, model: this.model };
      await this.http.sendOk({ ...call, signal: options.signal }, this.#errors);
    }, options.force);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * The request half of a Messages call: the body (caller phase) and where it goes. The request
   * fields Anthropic could not honour are pushed onto `dropped` when the body is built.
   */
  private messagesCall(
    request: ProviderRequest,
    options: ProviderCallOptions,
    stream: boolean,
    dropped: string[],
  ) {
    return {
      http: this.http,
      model: request.model,
      signal: options.signal,
      buildBody: () => {
        // Throws a ValidationError for what Anthropic cannot express.
        const converted = convertToAnthropicRequest(request, {
          defaultMaxTokens: this.config.defaultMaxTokens,
          anthropicVersion: this.config.anthropicVersion,
        });
        if (converted.adjustments.length) {
          options.logger.debug(
            { provider: this.name, adjustments: converted.adjustments },
            'request fields Anthropic does not support were adjusted',
          );
        }
        if (stream) converted.body.stream = true;
        dropped.push(...converted.droppedParams);
        return mergeProviderOptions(converted.body, request.providerOptions, this.type, this.name);
      },
      endpoint: () => ({
        url: new URL(`${this.baseURL}/v1/messages`),
        headers: this.#baseHeaders,
        errors: this.#errors,
      }),
    };
  }
}

export const createAnthropicProvider = (
  config: AnthropicProviderConfig,
  deps: ProviderDeps,
): Provider => new AnthropicProvider(config, deps);
