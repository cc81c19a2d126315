import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpRequest } from './http-client.js';

/**
 * A server whose streamed answer sends `[DONE]` at once and ends the body (the chunked terminator)
 * `endAfterMs` later, so a reader that stops at `[DONE]` stops before the end of the body.
 */
function startServer(endAfterMs = 30): Promise<{
  server: Server;
  url: URL;
  sockets: Socket[];
  responses: ServerResponse[];
}> {
  const sockets: Socket[] = [];
  const responses: ServerResponse[] = [];
  const server = createServer((req, res) => {
    responses.push(res);
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: [DONE]\n\n');
    setTimeout(() => res.end(), endAfterMs);
  });
  server.on('connection', (socket) => sockets.push(socket));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: new URL(`http://127.0.0.1:${port}/stream`), sockets, responses });
    }),
  );
}

const requestTo = (url: URL): HttpRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
  target: { provider: 'p', model: 'm' },
  firstByteTimeoutMs: 5_000,
  totalTimeoutMs: 5_000,
  idleTimeoutMs: 5_000,
  maxResponseBytes: 1024 * 1024,
});

/** Reads the stream until `[DONE]`, then stops (breaks out), completing it first when asked. */
async function readUntilDone(client: HttpClient, url: URL, complete: boolean): Promise<void> {
  const response = await client.stream(requestTo(url));
  const decoder = new TextDecoder();
  for await (const bytes of response.body) {
    if (!decoder.decode(bytes, { stream: true }).includes('[DONE]')) continue;
    if (complete) response.complete();
    break;
  }
}

describe('HttpClient.stream: stopping at the end of the protocol, or before', () => {
  let fixture: Awaited<ReturnType<typeof startServer>>;
  let client: HttpClient;

  beforeEach(async () => {
    fixture = await startServer();
    client = new HttpClient({ connectTimeoutMs: 1_000, maxConnections: 4 });
  });

  afterEach(async () => {
    await client.destroy();
    fixture.server.closeAllConnections();
    await new Promise<void>((resolve) => fixture.server.close(() => resolve()));
  });

  it('drains a completed stream, so its connection serves the next call', async () => {
    await readUntilDone(client, fixture.url, true);
    const first = fixture.responses[0] as ServerResponse;
    await Promise.race([once(first, 'finish'), once(first, 'close')]);
    expect(first.writableFinished).toBe(true); // the server could end the body
    // Let the client read the terminator the server just sent.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fixture.sockets[0]?.destroyed).toBe(false);

    await readUntilDone(client, fixture.url, true);
    expect(fixture.responses).toHaveLength(2);
    expect(fixture.sockets).toHaveLength(1);
  });

  it('aborts the transfer at once when the reader stops without completing', async () => {
    // The body ends 2 s after [DONE]: the reader surely stops first, however slowly a loaded
    // machine runs it (30 ms was not enough beside two busy loops).
    await new Promise<void>((resolve) => fixture.server.close(() => resolve()));
    fixture = await startServer(2_000);
    await readUntilDone(client, fixture.url, false);
    const socket = fixture.sockets[0] as Socket;
    if (!socket.destroyed) await once(socket, 'close');
    // Closed by the client before the server could end the body.
    expect((fixture.responses[0] as ServerResponse).writableFinished).toBe(false);
  });
});
