import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SseWriter } from './sse-writer.js';

/** The parts of a ServerResponse the writer uses, with a socket buffer that can be full. */
class FakeResponse extends EventEmitter {
  destroyed = false;
  writableEnded = false;
  full = false;
  frames: string[] = [];
  head: { status: number; headers: Record<string, string> } | undefined;

  writeHead(status: number, headers: Record<string, string>): void {
    this.head = { status, headers };
  }

  write(frame: string): boolean {
    this.frames.push(frame);
    return !this.full;
  }

  end(): void {
    this.writableEnded = true;
  }
}

const writerOf = () => {
  const res = new FakeResponse();
  return { res, sse: new SseWriter(res as unknown as ServerResponse) };
};

describe('SseWriter', () => {
  it('starts an event stream with no-cache, no proxy buffering, and the given headers', () => {
    const { res, sse } = writerOf();
    sse.start(200, { 'x-request-id': 'r1', 'cache-control': 'no-store' });
    expect(res.head).toEqual({
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': 'r1',
      },
    });
  });

  it('frames data events, named events and comments (a comment cannot break the framing)', async () => {
    const { res, sse } = writerOf();
    await sse.send('{"a":1}');
    await sse.send('{"b":2}', 'response.created');
    await sse.comment('cost: 1\r\ninjected: yes');
    expect(res.frames).toEqual([
      'data: {"a":1}\n\n',
      'event: response.created\ndata: {"b":2}\n\n',
      ': cost: 1  injected: yes\n\n',
    ]);
  });

  it('waits for the socket to drain when its buffer is full, and only then', async () => {
    const { res, sse } = writerOf();
    res.full = true;
    let sent = false;
    const pending = sse.send('big').then(() => (sent = true));
    await tick();
    expect(sent).toBe(false);
    expect(res.listenerCount('drain')).toBe(1);
    res.emit('drain');
    await pending;
    expect(sent).toBe(true);
    expect(res.listenerCount('drain')).toBe(0);
    expect(res.listenerCount('close')).toBe(0);
  });

  it('a client that goes away while the buffer is full releases the writer', async () => {
    const { res, sse } = writerOf();
    res.full = true;
    const pending = sse.send('big');
    res.destroyed = true;
    res.emit('close');
    await pending;
    expect(sse.closed).toBe(true);
    expect(res.listenerCount('drain')).toBe(0);
  });

  it('never writes or ends after the response ended or the socket went away', async () => {
    const { res, sse } = writerOf();
    sse.end();
    expect(res.writableEnded).toBe(true);
    await sse.send('late');
    await sse.comment('late');
    expect(res.frames).toEqual([]);
    let ends = 0;
    res.end = () => (ends += 1);
    sse.end();
    expect(ends).toBe(0);
    const gone = writerOf();
    gone.res.destroyed = true;
    await gone.sse.send('x');
    expect(gone.res.frames).toEqual([]);
  });
});
