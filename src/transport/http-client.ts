import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { AbortedError } from '../errors/aborted-error.js';
import { ResponseTooLargeError } from '../errors/response-too-large-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import {
  mapTransportError,
  type CallTarget,
  type TransportTimeouts,
} from './map-transport-error.js';

export interface HttpClientOptions {
  connectTimeoutMs: number;
  /** Pooled keep-alive connections per origin. */
  maxConnections: number;
  keepAliveTimeoutMs?: number;
}

export interface HttpRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
  target: CallTarget;
  /** Deadline for the response headers. */
  firstByteTimeoutMs: number;
  /** Deadline of the whole transfer (non-streaming calls). */
  totalTimeoutMs: number;
  /** Longest silence between body chunks. */
  idleTimeoutMs: number;
  maxResponseBytes: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8. */
  text: string;
}

export interface HttpStreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Body bytes as they arrive; transport failures surface as typed errors from the iterator. */
  body: AsyncIterable<Uint8Array>;
  /** Aborts the transfer and frees the connection. */
  cancel(): void;
}

class TotalTimeout extends Error {}

/**
 * Pooled keep-alive HTTP for one provider (undici Agent), with connect, first-byte, idle and total
 * deadlines, cancellation through AbortSignal, and a bounded response size. Never retries.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly connectTimeoutMs: number;

  constructor(options: HttpClientOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.agent = new Agent({
      connect: { timeout: options.connectTimeoutMs },
      connections: options.maxConnections,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    });
  }

  /** Sends a request and reads the whole body (bounded). */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const timeouts = this.timeouts(request);
    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) throw new AbortedError();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new TotalTimeout()), request.totalTimeoutMs);
    timer.unref();
    try {
      const response = await this.agent.request(this.dispatchOptions(request, controller.signal));
      const text = await readBounded(response, request);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      throw this.mapError(error, controller.signal, request, timeouts);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  /** Sends a request and hands back the body as a stream once the headers arrive. */
  async stream(request: HttpRequest): Promise<HttpStreamResponse> {
    const timeouts = this.timeouts(request);
    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(request.signal?.reason);
    if (request.signal?.aborted) throw new AbortedError();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const detach = (): void => request.signal?.removeEventListener('abort', onCallerAbort);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request(this.dispatchOptions(request, controller.signal));
    } catch (error) {
      detach();
      throw this.mapError(error, controller.signal, request, timeouts);
    }
    const mapError = (error: unknown): Error =>
      this.mapError(error, controller.signal, request, timeouts);
    const body = response.body;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let received = 0;
      try {
        for await (const chunk of body) {
          received += (chunk as Uint8Array).byteLength;
          if (received > request.maxResponseBytes) {
            throw tooLarge(request);
          }
          yield chunk as Uint8Array;
        }
      } catch (error) {
        throw mapError(error);
      } finally {
        detach();
        if (!body.destroyed) body.destroy();
      }
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      body: chunks(),
      cancel: () => {
        detach();
        controller.abort(new AbortedError('The stream was cancelled'));
        if (!body.destroyed) body.destroy();
      },
    };
  }

  /** Waits for in-flight requests, then closes every pooled connection. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Closes every connection at once, failing in-flight requests. */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }

  private timeouts(request: HttpRequest): TransportTimeouts {
    return {
      connectMs: this.connectTimeoutMs,
      firstByteMs: request.firstByteTimeoutMs,
      idleMs: request.idleTimeoutMs,
      totalMs: request.totalTimeoutMs,
    };
  }

  private dispatchOptions(request: HttpRequest, signal: AbortSignal): Dispatcher.RequestOptions {
    return {
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal,
      headersTimeout: request.firstByteTimeoutMs,
      bodyTimeout: request.idleTimeoutMs,
    };
  }

  private mapError(
    error: unknown,
    signal: AbortSignal,
    request: HttpRequest,
    timeouts: TransportTimeouts,
  ): Error {
    if (signal.aborted) {
      if (signal.reason instanceof TotalTimeout) {
        return new TimeoutError('total', request.totalTimeoutMs, {
          ...request.target,
          cause: error,
        });
      }
      if (AbortedError.isInstance(signal.reason)) return signal.reason;
      return new AbortedError(undefined, { cause: signal.reason });
    }
    return mapTransportError(error, request.target, timeouts);
  }
}

const tooLarge = (request: HttpRequest): ResponseTooLargeError =>
  new ResponseTooLargeError(
    `response larger than ${request.maxResponseBytes} bytes`,
    request.target,
  );

async function readBounded(
  response: Dispatcher.ResponseData,
  request: HttpRequest,
): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
    response.body.destroy();
    throw tooLarge(request);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    received += (chunk as Buffer).byteLength;
    if (received > request.maxResponseBytes) {
      response.body.destroy();
      throw tooLarge(request);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1
    ? (chunks[0] as Buffer).toString('utf8')
    : Buffer.concat(chunks).toString('utf8');
}
