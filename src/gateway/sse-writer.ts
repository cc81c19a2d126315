import type { ServerResponse } from 'node:http';
import { markSse, type SseCutFrames } from './in-flight-responses.js';

/** One SSE event: `data:` lines, named by an `event:` line when `event` is given. */
export const sseFrame = (data: string, event?: string): string =>
  event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;

/**
 * Writes Server-Sent Events to a response: the one place SSE is written. Honours backpressure,
 * and never writes after the client went away.
 */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Sends the headers; `cutFrames` ends the stream if a shutdown cuts it (chat's error event by default). */
  start(status: number, headers: Record<string, string>, cutFrames?: SseCutFrames): void {
    markSse(this.res, cutFrames);
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
    await this.write(sseFrame(data, event));
  }

  /** Sends an SSE comment line (`: text`), which event parsers ignore. */
  async comment(text: string): Promise<void> {
    await this.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
  }

  private async write(frame: string): Promise<void> {
    if (this.closed) return;
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
