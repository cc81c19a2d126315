import type { ServerResponse } from 'node:http';
import { markSse } from './in-flight-responses.js';

/**
 * Writes Server-Sent Events to a response: the one place SSE is written. Honours backpressure,
 * and never writes after the client went away.
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  start(status: number, headers: Record<string, string>): void {
    markSse(this.res);
    this.res.writeHead(status, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
  }

  /** Sends one `data:` event (named when `event` is given); resolves when the socket can take more. */
  async send(data: string, event?: string): Promise<void> {
    if (this.closed) return;
    const frame = event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
    if (!this.res.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
    }
  }

  end(): void {
    if (!this.closed) this.res.end();
  }
}
