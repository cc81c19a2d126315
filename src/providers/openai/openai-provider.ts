import type {
  OpenAICompatibleProviderConfig,
  OpenAIProviderConfig,
} from '../../config/provider-config-schema.js';
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
import { droppedParamsFor } from '../shared/capabilities.js';
import { streamWithDroppedParams, withDroppedParams } from '../shared/dropped-params.js';
import { HealthCheckCache } from '../shared/health-check-cache.js';
import { mergeProviderOptions } from '../shared/merge-provider-options.js';
import {
  jsonResponse,
  postJsonToProvider,
  streamResponse,
} from '../shared/post-json-to-provider.js';
import { ProviderHttp } from '../shared/provider-http.js';
import type { ErrorMapping } from '../shared/upstream-error.js';
import { USER_AGENT } from '../shared/version.js';
import { convertToOpenAIRequest, type OpenAIRequestOptions } from './convert-to-openai-request.js';
import { mapOpenAIError, openAIErrorInBody } from './map-openai-error.js';
import { mapOpenAIResponse } from './map-openai-response.js';
import { mapOpenAIStream } from './map-openai-stream.js';
import { openAIChatCompletionSchema } from './openai-wire.js';

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

type OpenAIWireConfig = OpenAIProviderConfig | OpenAICompatibleProviderConfig;

/**
 * OpenAI Chat Completions, and every server that speaks the same wire (Azure OpenAI, Ollama, vLLM,
 * Groq, Together, OpenRouter) through the `openai-compatible` type.
 */
export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly type: OpenAIWireConfig['type'];
  readonly model: string;
  private readonly config: OpenAIWireConfig;
  private readonly http: ProviderHttp;
  private readonly clock: Clock;
  // ES-private: util.inspect and console.log never show them (they hold the key).
  readonly #secrets: readonly string[];
  readonly #baseHeaders: Record<string, string>;
  readonly #errors: ErrorMapping;
  private readonly requestOptions: OpenAIRequestOptions;
  private readonly baseURL: string;
  /** Built once: every chat call goes to the same URL. */
  private readonly chatURL: URL;
  private readonly health: HealthCheckCache;

  constructor(config: OpenAIWireConfig, deps: ProviderDeps) {
    this.config = config;
    this.name = config.name;
    this.type = config.type;
    this.model = config.model;
    this.clock = deps.clock;
    this.http = new ProviderHttp(config);
    this.baseURL = (config.baseURL ?? OPENAI_BASE_URL).replace(/\/+$/, '');
    this.chatURL = this.url('/chat/completions');
    const key = config.apiKey?.reveal();
    this.#secrets = key ? [key] : [];
    this.#errors = {
      mapError: mapOpenAIError,
      secrets: this.#secrets,
      now: () => this.clock.now(),
    };
    this.#baseHeaders = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...config.headers,
      ...this.authHeaders(key),
    };
    this.requestOptions =
      config.type === 'openai'
        ? { maxTokensField: 'max_completion_tokens', sendTopK: false, providerType: config.type }
        : { maxTokensField: 'max_tokens', sendTopK: true, providerType: config.type };
    this.health = new HealthCheckCache(config.healthCheckTtlMs, deps.clock);
  }

  chat(request: ProviderRequest, options: ProviderCallOptions): Promise<ProviderChatResult> {
    return postJsonToProvider({
      ...this.completionCall(request, options, false),
      onSuccess: jsonResponse({
        schema: openAIChatCompletionSchema,
        what: 'a chat completion',
        errorInBody: openAIErrorInBody,
        requestIdHeader: 'x-request-id',
        map: (completion, { requestId }) =>
          withDroppedParams(
            mapOpenAIResponse(completion, requestId),
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
      ...this.completionCall(request, options, true),
      onSuccess: streamResponse((response, { target }) =>
        streamWithDroppedParams(
          mapOpenAIStream(decodeSse(response.body), {
            target,
            secrets: this.#secrets,
            requestId: header(response.headers, 'x-request-id'),
            now: () => this.clock.now(),
            complete: response.complete,
          }),
          droppedParamsFor(this.type, request),
        ),
      ),
    });
  }

  healthCheck(options: { signal?: AbortSignal; force?: boolean } = {}): Promise<HealthCheckResult> {
    return this.health.get(async () => {
      const call = {
        url: this.url('/models'),
        method: 'GET' as const,
        headers: this.#baseHeaders,
        model: this.model,
      };
      await this.http.sendOk({ ...call, signal: options.signal }, this.#errors);
    }, options.force);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** The request half of a completion call: the body (caller phase) and where it goes. */
  private completionCall(request: ProviderRequest, options: ProviderCallOptions, stream: boolean) {
    return {
      http: this.http,
      model: request.model,
      signal: options.signal,
      buildBody: () => {
        const converted = convertToOpenAIRequest(request, this.requestOptions);
        if (stream) {
          converted.stream = true;
          converted.stream_options = { include_usage: true };
        }
        return mergeProviderOptions(converted, request.providerOptions, this.type, this.name);
      },
      endpoint: () => ({ url: this.chatURL, headers: this.#baseHeaders, errors: this.#errors }),
    };
  }

  private url(path: string): URL {
    const url = new URL(`${this.baseURL}${path}`);
    if (this.config.type === 'openai-compatible' && this.config.queryParams) {
      for (const [key, value] of Object.entries(this.config.queryParams))
        url.searchParams.set(key, value);
    }
    return url;
  }

  private authHeaders(key: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.config.type === 'openai') {
      if (this.config.organization) headers['openai-organization'] = this.config.organization;
      if (this.config.project) headers['openai-project'] = this.config.project;
    }
    if (!key) return headers;
    const name =
      this.config.type === 'openai-compatible'
        ? this.config.authHeader.toLowerCase()
        : 'authorization';
    headers[name] = name === 'authorization' ? `Bearer ${key}` : key;
    return headers;
  }
}

export const createOpenAIProvider = (config: OpenAIWireConfig, deps: ProviderDeps): Provider =>
  new OpenAIProvider(config, deps);
