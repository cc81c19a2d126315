import type { ProviderConfig } from '../../config/provider-config-schema.js';
import {
  HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpStreamResponse,
} from '../../transport/http-client.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import { readStreamText } from '../../transport/read-stream-text.js';
import type { ErrorMapping } from './upstream-error.js';

const isSuccess = (status: number): boolean => status >= 200 && status < 300;

type Deadlines = Pick<
  HttpRequest,
  'queueTimeoutMs' | 'firstByteTimeoutMs' | 'totalTimeoutMs' | 'idleTimeoutMs' | 'maxResponseBytes'
>;

export interface ProviderHttpCall {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
  /** The model of this call, for errors. */
  model: string;
}

/**
 * One provider's HTTP side: its connection pool and the deadlines from its configuration.
 * Every adapter sends through this, so timeouts and size limits apply the same everywhere.
 */
export class ProviderHttp {
  readonly client: HttpClient;
  private readonly deadlines: Deadlines;
  private readonly provider: string;

  constructor(config: ProviderConfig) {
    this.provider = config.name;
    this.client = new HttpClient({
      connectTimeoutMs: config.connectTimeoutMs,
      maxConnections: config.maxConnections,
    });
    this.deadlines = {
      queueTimeoutMs: config.limits.queueTimeoutMs,
      totalTimeoutMs: config.timeoutMs,
      firstByteTimeoutMs: config.firstByteTimeoutMs ?? config.timeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      maxResponseBytes: config.maxResponseBytes,
    };
  }

  target(model: string): CallTarget {
    return { provider: this.provider, model };
  }

  send(call: ProviderHttpCall): Promise<HttpResponse> {
    return this.client.request(this.toRequest(call));
  }

  stream(call: ProviderHttpCall): Promise<HttpStreamResponse> {
    return this.client.stream(this.toRequest(call));
  }

  /** Sends and reads the whole response; a non-2xx status throws the adapter's mapped error. */
  async sendOk(call: ProviderHttpCall, errors: ErrorMapping): Promise<HttpResponse> {
    const response = await this.send(call);
    if (isSuccess(response.status)) return response;
    throw errors.mapError({
      ...response,
      target: this.target(call.model),
      secrets: errors.secrets,
      now: errors.now(),
    });
  }

  /** Opens a stream; a non-2xx status reads the (bounded) error body and throws the mapped error. */
  async streamOk(call: ProviderHttpCall, errors: ErrorMapping): Promise<HttpStreamResponse> {
    const response = await this.stream(call);
    if (isSuccess(response.status)) return response;
    const text = await readStreamText(response.body).catch(() => '');
    throw errors.mapError({
      status: response.status,
      headers: response.headers,
      text,
      target: this.target(call.model),
      secrets: errors.secrets,
      now: errors.now(),
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private toRequest(call: ProviderHttpCall): HttpRequest {
    return {
      url: call.url,
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: call.signal,
      target: this.target(call.model),
      ...this.deadlines,
    };
  }
}
