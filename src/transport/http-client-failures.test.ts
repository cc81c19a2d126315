import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/aborted-error.js';
import { ConnectionError } from '../errors/connection-error.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { ResponseTooLargeError } from '../errors/response-too-large-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { startBlackhole } from '../testing/blackhole.js';
import { getClosedPort } from '../testing/free-port.js';
import { HttpClient, type HttpRequest } from './http-client.js';

/**
 * HttpClient against real sockets: each deadline kind (connect, queue, first byte, idle, total),
 * the size bound, cut connections, and the caller's abort before and after the request is on a
 * socket. Every deadline that must not fire is a minute; each that must fire is short, so the
 * outcome never depends on how fast the machine is.
 */

const LONG = 60_000;
const SHORT = 150;

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

const BEHAVIOURS: Record<string, Behaviour> = {
  '/ok': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  },
  '/hang': () => undefined,
  '/partial-then-silence': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"n":1}\n\n');
  },
  '/declared-too-large': (_req, res) => {
    res.writeHead(200, { 'content-length': '10000' });
    res.end(Buffer.alloc(10_000, 'x'));
  },
  '/chunked-too-large': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < 10; i += 1) res.write(Buffer.alloc(1_000, 'x'));
    res.end();
  },
  '/cut-mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"n":1}\n\n', () => res.socket?.destroy());
  },
  '/short-body': (_req, res) => {
    // Announces more than it sends, then closes.
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"truncated":', () => res.socket?.destroy());
  },
};

let server: Server;
let base: string;
const seen: string[] = [];
let arrived: ((path: string) => void) | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    const path = req.url ?? '/';
    seen.push(path);
    arrived?.(path);
    (BEHAVIOURS[path] ?? BEHAVIOURS['/ok'])?.(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let client: HttpClient;
afterEach(async () => {
  await client?.destroy();
  server.closeAllConnections();
  seen.length = 0;
  arrived = undefined;
});

const newClient = (maxConnections = 4, connectTimeoutMs = LONG) => {
  client = new HttpClient({ connectTimeoutMs, maxConnections });
  return client;
};

const call = (path: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  url: new URL(path, base),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
  target: { provider: 'p', model: 'm' },
  firstByteTimeoutMs: LONG,
  totalTimeoutMs: LONG,
  idleTimeoutMs: LONG,
  maxResponseBytes: 1024 * 1024,
  ...extra,
});

/** Resolves when the server has received a request for `path`. */
const arrival = (path: string): Promise<void> =>
  new Promise((resolve) => {
    arrived = (p) => {
      if (p === path) resolve();
    };
  });

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString('utf8');
  return text;
}

describe('HttpClient deadlines', () => {
  it('first byte: a server that never answers fails the call at the first-byte deadline', async () => {
    const http = newClient();
    for (const send of [
      () => http.request(call('/hang', { firstByteTimeoutMs: SHORT })),
      () => http.stream(call('/hang', { firstByteTimeoutMs: SHORT })),
    ]) {
      const error = await failure(send);
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).phase).toBe('first_byte');
      expect((error as TimeoutError).provider).toBe('p');
    }
    expect(seen).toEqual(['/hang', '/hang']);
  });

  it('total: a body that stops arriving fails a plain call at the total deadline', async () => {
    const error = await failure(() =>
      newClient().request(call('/partial-then-silence', { totalTimeoutMs: SHORT })),
    );
    expect((error as TimeoutError).phase).toBe('total');
  });

  it('total: when it is no longer than the first-byte deadline, it is the one that fires', async () => {
    const error = await failure(() =>
      newClient().request(call('/hang', { totalTimeoutMs: SHORT, firstByteTimeoutMs: SHORT * 2 })),
    );
    expect((error as TimeoutError).phase).toBe('total');
  });

  it('idle: a plain body that stalls fails at the idle deadline', async () => {
    const error = await failure(() =>
      newClient().request(call('/partial-then-silence', { idleTimeoutMs: SHORT })),
    );
    expect((error as TimeoutError).phase).toBe('idle');
  });

  it('idle: a stream that stalls after its first event fails while being read; no total deadline for streams', async () => {
    const response = await newClient().stream(
      call('/partial-then-silence', { idleTimeoutMs: SHORT, totalTimeoutMs: 1 }),
    );
    expect(response.status).toBe(200);
    const received: string[] = [];
    const error = await failure(async () => {
      for await (const chunk of response.body) received.push(Buffer.from(chunk).toString());
    });
    expect(received.join('')).toBe('data: {"n":1}\n\n');
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).phase).toBe('idle');
  });

  it('connect: a host that never accepts fails at the connect deadline', async () => {
    const blackhole = await startBlackhole();
    try {
      const http = newClient(4, SHORT);
      const error = await failure(() =>
        http.request({ ...call('/'), url: new URL('/v1/x', blackhole.url) }),
      );
      expect(TimeoutError.isInstance(error)).toBe(true);
      expect((error as TimeoutError).phase).toBe('connect');
    } finally {
      await blackhole.close();
    }
  });

  it('queue: with every pooled connection busy, a waiting call fails at its deadline as our overload', async () => {
    const http = newClient(1);
    const busy = arrival('/hang');
    const holder = new AbortController();
    let holderSettled = false;
    const first = failure(() => http.request(call('/hang', { signal: holder.signal }))).finally(
      () => (holderSettled = true),
    );
    await busy; // the only connection is taken, for a minute
    const error = await failure(() => http.request(call('/ok', { queueTimeoutMs: SHORT })));
    // Failed at its own deadline, not when the busy connection freed up.
    expect(holderSettled).toBe(false);
    expect(OverloadedError.isInstance(error)).toBe(true);
    expect((error as OverloadedError).reason).toBe('queue_timeout');
    expect((error as OverloadedError).provider).toBe('p');
    expect((error as OverloadedError).retryAfterMs).toBe(SHORT);
    holder.abort();
    expect(AbortedError.isInstance(await first)).toBe(true);
    // The shed call is dropped unsent once the connection is free again.
    expect((await http.request(call('/ok'))).text).toBe('{"ok":true}');
    expect(seen).toEqual(['/hang', '/ok']);
  });

  it('queue: a caller abort while waiting for a connection fails the call at once', async () => {
    const http = newClient(1);
    const busy = arrival('/hang');
    const holder = new AbortController();
    let holderSettled = false;
    const first = failure(() => http.request(call('/hang', { signal: holder.signal }))).finally(
      () => (holderSettled = true),
    );
    await busy;
    const caller = new AbortController();
    const waiting = failure(() => http.stream(call('/ok', { signal: caller.signal })));
    caller.abort();
    expect(AbortedError.isInstance(await waiting)).toBe(true);
    expect(holderSettled).toBe(false);
    holder.abort();
    await first;
    expect(seen).toEqual(['/hang']);
  });
});

describe('HttpClient size bound and broken connections', () => {
  it('a declared Content-Length over the bound is refused before the body is read', async () => {
    const error = await failure(() =>
      newClient().request(call('/declared-too-large', { maxResponseBytes: 1_000 })),
    );
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error.message).toContain('larger than 1000 bytes');
  });

  it('a chunked body growing over the bound is cut, plain or streamed', async () => {
    const http = newClient();
    const plain = await failure(() =>
      http.request(call('/chunked-too-large', { maxResponseBytes: 2_500 })),
    );
    expect(ResponseTooLargeError.isInstance(plain)).toBe(true);
    const response = await http.stream(call('/chunked-too-large', { maxResponseBytes: 2_500 }));
    const streamed = await failure(() => drain(response.body));
    expect(ResponseTooLargeError.isInstance(streamed)).toBe(true);
  });

  it('a connection refused is a ConnectionError saying so', async () => {
    const port = await getClosedPort();
    const error = await failure(() =>
      newClient().request({ ...call('/'), url: new URL(`http://127.0.0.1:${port}/v1/x`) }),
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.message).toContain('connection refused');
  });

  it('a connection cut mid-body is a ConnectionError, plain (short body) or streamed', async () => {
    const http = newClient();
    const plain = await failure(() => http.request(call('/short-body')));
    expect(ConnectionError.isInstance(plain)).toBe(true);
    const response = await http.stream(call('/cut-mid-body'));
    const streamed = await failure(() => drain(response.body));
    expect(ConnectionError.isInstance(streamed)).toBe(true);
  });
});

describe('HttpClient and the caller abort', () => {
  it('a signal aborted before the call: AbortedError, nothing sent', async () => {
    const controller = new AbortController();
    controller.abort();
    const http = newClient();
    for (const send of [
      () => http.request(call('/ok', { signal: controller.signal })),
      () => http.stream(call('/ok', { signal: controller.signal })),
    ]) {
      expect(AbortedError.isInstance(await failure(send))).toBe(true);
    }
    expect(seen).toEqual([]);
  });

  it('an abort while waiting for the answer: AbortedError (not a timeout), the connection closed', async () => {
    const controller = new AbortController();
    const here = arrival('/hang');
    const pending = failure(() =>
      newClient().request(call('/hang', { signal: controller.signal })),
    );
    await here;
    controller.abort();
    const error = await pending;
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(TimeoutError.isInstance(error)).toBe(false);
  });

  it("an abort mid-stream ends the reader with the caller's reason", async () => {
    const controller = new AbortController();
    const response = await newClient().stream(
      call('/partial-then-silence', { signal: controller.signal }),
    );
    const reading = failure(async () => {
      for await (const _chunk of response.body) controller.abort();
    });
    expect(AbortedError.isInstance(await reading)).toBe(true);
  });

  it('cancel() ends a stream being read with an AbortedError', async () => {
    const response = await newClient().stream(call('/partial-then-silence'));
    const error = await failure(async () => {
      for await (const _chunk of response.body) response.cancel();
    });
    expect(AbortedError.isInstance(error)).toBe(true);
    expect(error.message).toContain('cancelled');
  });
});
