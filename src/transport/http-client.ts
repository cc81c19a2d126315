import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { AbortedError } from '../errors/aborted-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { ResponseTooLargeError } from '../errors/response-too-large-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { CallDeadlines, DeadlineExpired } from './call-deadlines.js';
import { connectionHook } from './connection-hook.js';
import { createConnector, type ConnectTracker } from './create-connector.js';
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
  /**
   * Longest wait for a pooled connection (all `maxConnections` busy). Expiry fails the call with an
   * OverloadedError (`queue_timeout`): our queue, not the provider's fault. None when absent.
   */
  queueTimeoutMs?: number | undefined;
  /** Deadline for the response headers, from the moment the request has a connection. */
  firstByteTimeoutMs: number;
  /** Deadline of the whole transfer from the moment it has a connection (non-streaming calls only). */
  totalTimeoutMs: number;
  /** Longest wait for the next body chunk. */
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
  /** Body bytes as they arrive; failures (idle timeout, cut connection) surface as typed errors. */
  body: AsyncIterable<Uint8Array>;
  /** Aborts the transfer and frees the connection. */
  cancel(): void;
  /**
   * Says the protocol's last event has arrived (OpenAI's `[DONE]`): when the reader then stops, the
   * little still to come (the end of the chunked body) is read in the background, bounded in time
   * and size, so the connection goes back to the pool instead of being closed and opened anew for
   * the next call. Without it, a reader that stops early aborts the transfer at once.
   */
  complete(): void;
}

/** How long, and how many bytes, the rest of a completed stream's body may take to arrive. */
const DRAIN_TIMEOUT_MS = 1_000;
const DRAIN_MAX_BYTES = 64 * 1024;

/**
 * The abort signal undici sees for one call: an EventEmitter (undici accepts one), which costs far
 * less per request than an AbortController with its EventTarget listeners.
 */
class CallSignal extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/**
 * One call in flight: its signal, its deadlines and its link to the caller's signal. The provider's
 * deadlines (first byte, total) start when the request gets a connection (`onConnection`, from the
 * connection hook); until then only the queue deadline runs.
 */
class Call extends CallSignal {
  readonly signal = this;
  readonly deadlines = new CallDeadlines((reason) => this.onDeadline(reason));
  /** Set by the reader once the protocol's last event arrived (see HttpStreamResponse.complete). */
  completed = false;
  /** Whether the total deadline applies (non-streaming calls). */
  withTotal = false;
  private connected = false;
  private readonly onCallerAbort = (): void => this.signal.abort(this.request.signal?.reason);

  constructor(
    readonly request: HttpRequest,
    readonly timeouts: TransportTimeouts,
    private readonly connects: ConnectTracker,
  ) {
    super();
    request.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Arms the queue deadline: the wait for a pooled connection. */
  queue(): void {
    if (this.request.queueTimeoutMs !== undefined) {
      this.deadlines.start('queue', this.request.queueTimeoutMs);
    }
  }

  /** The request is on a connected socket: the queue wait ends, the provider's clock starts. */
  onConnection(): void {
    if (this.connected) return;
    this.connected = true;
    this.deadlines.stop('queue');
    const { request } = this;
    if (this.withTotal) this.deadlines.start('total', request.totalTimeoutMs);
    // A first-byte deadline no shorter than an armed total deadline could never fire first.
    const totalFirst = this.withTotal && request.totalTimeoutMs <= request.firstByteTimeoutMs;
    if (!totalFirst) this.deadlines.start('first_byte', request.firstByteTimeoutMs);
  }

  /**
   * The dispatch, failed at once when the call is aborted (queue deadline, caller) while it still
   * waits for a connection. undici only acts on the abort of a request waiting in its pool once a
   * connection takes it (it then drops it unsent), which would hold the caller past its deadline
   * until some other call freed a connection.
   */
  untilAbortedWhileWaiting<T>(dispatched: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.connected) reject(this.reason);
      };
      this.once('abort', onAbort);
      dispatched.then(
        (value) => {
          this.off('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.off('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private onDeadline(reason: DeadlineExpired): void {
    if (reason.phase === 'queue') {
      if (this.connected) return;
      // A connection is being opened and may be this request's: the connect deadline rules then.
      if (this.connects.connecting > 0) {
        this.deadlines.start('queue', this.timeouts.connectMs);
        return;
      }
    }
    this.signal.abort(reason);
  }

  /**
   * Reads a whole body as UTF-8, bounded in size, with the idle deadline re-armed at every chunk.
   * Stream events rather than async iteration: this is every non-streaming call's path, and the
   * iterator machinery cost more than the reading.
   */
  text(body: Dispatcher.ResponseData['body']): Promise<string> {
    const { idleTimeoutMs, maxResponseBytes } = this.request;
    return new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      let received = 0;
      this.deadlines.start('idle', idleTimeoutMs);
      body.on('data', (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > maxResponseBytes) {
          reject(tooLarge(this.request));
          body.destroy();
          return;
        }
        parts.push(chunk);
        this.deadlines.start('idle', idleTimeoutMs);
      });
      body.once('end', () => {
        this.deadlines.stop('idle');
        resolve(
          parts.length === 1
            ? (parts[0] as Buffer).toString('utf8')
            : Buffer.concat(parts).toString('utf8'),
        );
      });
      body.once('error', reject);
    });
  }

  /**
   * The body as it arrives, bounded in size, with the idle deadline armed only while waiting for
   * bytes, and failures as typed errors. When the reader stops early, the transfer is aborted —
   * unless the protocol said it was complete (`completed`): then the rest is drained so the
   * connection is reused.
   */
  async *chunks(body: Dispatcher.ResponseData['body']): AsyncGenerator<Uint8Array> {
    const iterator = body[Symbol.asyncIterator]();
    let received = 0;
    try {
      for (;;) {
        this.deadlines.start('idle', this.request.idleTimeoutMs);
        const next = await iterator.next();
        this.deadlines.stop('idle');
        if (next.done) return;
        const chunk = next.value as Uint8Array;
        received += chunk.byteLength;
        if (received > this.request.maxResponseBytes) throw tooLarge(this.request);
        yield chunk;
      }
    } catch (error) {
      throw this.mapError(error);
    } finally {
      if (this.completed && !body.destroyed && !body.readableEnded) {
        void drainRest(this, iterator, body);
      } else {
        this.end();
        if (!body.destroyed) body.destroy();
      }
    }
  }

  mapError(error: unknown): Error {
    const { signal } = this;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      if (reason instanceof DeadlineExpired && reason.phase === 'queue') {
        return new OverloadedError('queue_timeout', {
          provider: this.request.target.provider,
          retryAfterMs: reason.timeoutMs,
          cause: error,
        });
      }
      if (reason instanceof DeadlineExpired && reason.phase !== 'queue') {
        return new TimeoutError(reason.phase, reason.timeoutMs, {
          ...this.request.target,
          cause: error,
        });
      }
      if (AbortedError.isInstance(reason)) return reason;
      return new AbortedError(undefined, { cause: reason });
    }
    return mapTransportError(error, this.request.target, this.timeouts);
  }

  end(): void {
    this.deadlines.stopAll();
    this.request.signal?.removeEventListener('abort', this.onCallerAbort);
  }
}

/**
 * Pooled keep-alive HTTP for one provider (undici Agent), with connect, first-byte, idle and total
 * deadlines, cancellation through AbortSignal, and a bounded response size. Never retries.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly connectTimeoutMs: number;
  private readonly connects: ConnectTracker = { connecting: 0 };

  constructor(options: HttpClientOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.agent = new Agent({
      connect: createConnector(options.connectTimeoutMs, this.connects),
      connections: options.maxConnections,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    });
    this.dispatcher = this.agent.compose(connectionHook);
  }

  /** Sends a request and reads the whole body (bounded). */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const call = this.begin(request);
    call.withTotal = true;
    try {
      const response = await this.dispatch(call);
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        // Destroying a body nobody reads makes undici emit an abort error on it; when the whole
        // body had already arrived, nothing else listens and it would crash the process.
        response.body.on('error', () => undefined);
        response.body.destroy();
        throw tooLarge(request);
      }
      const text = await call.text(response.body);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      throw call.mapError(error);
    } finally {
      call.end();
    }
  }

  /** Sends a request and hands back the body as a stream once the headers arrive. */
  async stream(request: HttpRequest): Promise<HttpStreamResponse> {
    const call = this.begin(request);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatch(call);
    } catch (error) {
      call.end();
      throw call.mapError(error);
    }
    const body = response.body;
    return {
      status: response.statusCode,
      headers: response.headers,
      body: call.chunks(body),
      cancel: () => {
        call.end();
        call.signal.abort(new AbortedError('The stream was cancelled'));
        if (!body.destroyed) body.destroy();
      },
      complete: () => {
        call.completed = true;
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

  private begin(request: HttpRequest): Call {
    if (request.signal?.aborted) throw new AbortedError();
    return new Call(
      request,
      {
        connectMs: this.connectTimeoutMs,
        firstByteMs: request.firstByteTimeoutMs,
        idleMs: request.idleTimeoutMs,
        totalMs: request.totalTimeoutMs,
      },
      this.connects,
    );
  }

  private async dispatch(call: Call): Promise<Dispatcher.ResponseData> {
    const { request } = call;
    call.queue();
    try {
      return await call.untilAbortedWhileWaiting(
        this.dispatcher.request({
          origin: request.url.origin,
          path: `${request.url.pathname}${request.url.search}`,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          signal: call.signal,
          // Our own timers keep these deadlines (undici's tick at about one second).
          headersTimeout: 0,
          bodyTimeout: 0,
        }),
      );
    } finally {
      call.deadlines.stop('queue');
      call.deadlines.stop('first_byte');
    }
  }
}

/**
 * Reads the rest of a completed stream's body in the background, so undici puts the connection
 * back in the pool. Past the drain deadline (the call's signal aborts the transfer) or size, the
 * connection is closed, as it would have been without the drain.
 */
async function drainRest(
  call: Call,
  iterator: AsyncIterator<unknown>,
  body: Dispatcher.ResponseData['body'],
): Promise<void> {
  call.deadlines.start('idle', DRAIN_TIMEOUT_MS);
  try {
    let left = DRAIN_MAX_BYTES;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      left -= (next.value as Uint8Array).byteLength;
      if (left < 0) break;
    }
  } catch {
    // Aborted by the deadline or cut by the server: the connection is closed, nothing is lost.
  } finally {
    call.end();
    if (!body.destroyed) body.destroy();
  }
}

const tooLarge = (request: HttpRequest): ResponseTooLargeError =>
  new ResponseTooLargeError(
    `response larger than ${request.maxResponseBytes} bytes`,
    request.target,
  );
