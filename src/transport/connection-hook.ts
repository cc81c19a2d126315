import type { Duplex } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

/** A dispatch whose request wants to know when it gets a connection. */
export interface ConnectionAware {
  /** Called once the request is on a connected socket and about to be written. */
  onConnection(): void;
}

const isConnectionAware = (value: unknown): value is ConnectionAware =>
  typeof (value as Partial<ConnectionAware> | null)?.onConnection === 'function';

/**
 * Forwards every handler call, and tells the request's signal (a ConnectionAware one) when undici
 * starts the request on a socket: `onRequestStart` comes when the request leaves the pool's queue
 * and is written to a connected socket, after any TCP/TLS connect.
 */
class ConnectionHookHandler implements Dispatcher.DispatchHandler {
  constructor(
    private readonly inner: Dispatcher.DispatchHandler,
    private readonly target: ConnectionAware,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.target.onConnection();
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/**
 * An undici interceptor that reports "this request has a connection now" to the request's signal
 * when the signal asks for it (see ConnectionAware). undici's request API hides the handler, and
 * its diagnostics channels do not say which request is which; an interceptor sees both.
 */
export const connectionHook: Dispatcher.DispatcherComposeInterceptor =
  (dispatch) => (options, handler) => {
    const signal = (options as { signal?: unknown }).signal;
    return isConnectionAware(signal)
      ? dispatch(options, new ConnectionHookHandler(handler, signal))
      : dispatch(options, handler);
  };
