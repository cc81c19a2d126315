import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ClientClosedError } from '../errors/client-closed-error.js';
import { mapErrorToHttp, type HttpError } from './map-error-to-http.js';

/**
 * The last frames of an SSE stream cut by a shutdown, in the stream's own format, for the error in
 * OpenAI's shape. Chat completions: one `data:` event `{ error }` of type `stream_interrupted`.
 */
export type SseCutFrames = (error: HttpError['body']['error']) => string;

const chatCut: SseCutFrames = (error) =>
  `data: ${JSON.stringify({ error: { ...error, type: 'stream_interrupted' } })}\n\n`;

/** Responses that are SSE streams (marked by SseWriter.start), with how to end each. */
const sseResponses = new WeakMap<ServerResponse, SseCutFrames>();
/** How to abort the upstream work of a response (registered by the routes). */
const aborts = new WeakMap<ServerResponse, () => void>();

/** Marks a response as an SSE stream, so a shutdown ends it with an SSE error event. */
export function markSse(res: ServerResponse, cutFrames: SseCutFrames = chatCut): void {
  sseResponses.set(res, cutFrames);
}

/** Registers how to abort the upstream call behind a response when a shutdown cuts it. */
export function onShutdownCut(res: ServerResponse, abort: () => void): void {
  aborts.set(res, abort);
}

/**
 * Aborts the upstream work behind a response when it can no longer be delivered: the client went
 * away before the response was complete, or a shutdown cut it at its deadline. Every route that
 * calls a provider registers through this.
 */
export function abortWhenUndeliverable(res: ServerResponse, abort: () => void): void {
  onShutdownCut(res, abort);
  res.once('close', () => {
    if (!res.writableFinished) abort();
  });
}

/**
 * The responses a server is working on, for a graceful shutdown: stop accepting, close idle
 * keep-alive connections at once and each busy one as its response ends, resolve as soon as no
 * connection is left; at the deadline, end what is still running with a well-formed error (an
 * SSE error event in OpenAI's error shape for streams, a 503 otherwise) before closing.
 */
export class InFlightResponses {
  private readonly active = new Set<ServerResponse>();
  private closing = false;

  constructor(private readonly server: Server) {
    server.on('request', (_req, res: ServerResponse) => {
      this.active.add(res);
      res.once('close', () => this.active.delete(res));
      if (this.closing) this.closeAfter(res);
    });
  }

  get size(): number {
    return this.active.size;
  }

  /**
   * Shuts down: `close` stops accepting and resolves once every connection is gone. Returns when
   * that happened, or at the deadline after cutting what was left.
   */
  async shutdown(close: () => Promise<void>, deadlineMs: number): Promise<void> {
    this.closing = true;
    for (const res of this.active) this.closeAfter(res);
    const closed = close();
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      closed.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), deadlineMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!expired) return;
    for (const res of this.active) this.cut(res);
    // Give the final events a moment to flush, then close whatever connection is left.
    const grace = setTimeout(() => this.server.closeAllConnections(), 1_000);
    grace.unref();
    await closed;
    clearTimeout(grace);
  }

  /** No keep-alive after this response: its connection closes as soon as it ends. */
  private closeAfter(res: ServerResponse): void {
    if (!res.headersSent) res.shouldKeepAlive = false;
    const socket: Socket | null = res.socket;
    res.once('finish', () => {
      if (socket && !socket.destroyed) socket.end();
    });
  }

  /** Ends a response still running at the deadline with a well-formed error, and aborts its upstream. */
  private cut(res: ServerResponse): void {
    const { status, body } = mapErrorToHttp(new ClientClosedError());
    if (!res.writableEnded && !res.destroyed) {
      const cutFrames = sseResponses.get(res);
      if (cutFrames) {
        // As after any failure past the first byte: an explicit error event, never a clean end.
        res.end(cutFrames(body.error));
      } else if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify(body));
      } else {
        res.destroy();
      }
    }
    aborts.get(res)?.();
  }
}
