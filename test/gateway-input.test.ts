import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

const auth = { authorization: `Bearer ${CANARY.gateway}` };

/**
 * A raw POST (no fetch conveniences). A generator body is streamed; when it sends less than a
 * declared Content-Length, the request is left open (the server must answer before the body
 * ends) and destroyed once the response arrived.
 */
function rawPost(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | (() => AsyncGenerator<Buffer>),
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() });
        req.destroy();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close after answering early (413/401) while we are still sending.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    const declared = Number(headers['content-length'] ?? Number.NaN);
    void (async () => {
      let sent = 0;
      for await (const chunk of body()) {
        sent += chunk.length;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      if (!(sent < declared)) req.end();
    })().catch(() => undefined);
  });
}

describe('gateway input handling', () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture((c) => ({
      ...c,
      server: {
        port: 0,
        apiKeys: [CANARY.gateway],
        bodyLimitBytes: 1024 * 1024,
        requestTimeoutMs: 600,
        headersTimeoutMs: 600,
      },
    }));
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    for (const sim of fx.sims) sim.reset();
  });
  const noUpstreamCalls = () => expect(fx.sims.map((s) => s.requests.length)).toEqual([0, 0]);

  it('B8: a missing or wrong key is 401 before the body is read, and the key is not echoed', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-key-123',
      `Bearer ${CANARY.gateway.slice(0, -1)}`,
      CANARY.gateway,
    ]) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization) headers.authorization = authorization;
      // A body far over the limit: a 401 (not a 413) proves auth ran before the body was read.
      const res = await rawPost(
        fx.url,
        '/v1/chat/completions',
        { ...headers, 'content-length': String(50 * 1024 * 1024) },
        async function* () {
          yield Buffer.alloc(1024, 0x20);
        },
      );
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'invalid_api_key' } });
      if (authorization) expect(res.text).not.toContain(authorization.replace('Bearer ', ''));
    }
    noUpstreamCalls();
  });

  it('B3: a 50 MB body is refused with 413, with and without Content-Length, before it is buffered', async () => {
    const big = async function* () {
      for (let i = 0; i < 50; i += 1) yield Buffer.alloc(1024 * 1024, 0x20);
    };
    const declared = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) },
      big,
    );
    expect(declared.status).toBe(413);
    const chunked = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      big,
    );
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text)).toMatchObject({ error: { code: 'request_too_large' } });
    noUpstreamCalls();
  });

  it('B4: deeply nested JSON and huge arrays are refused without a crash', async () => {
    const deep = Buffer.from(`{"messages":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const nested = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json' },
      deep,
    );
    expect(nested.status).toBe(400);
    const many = Buffer.from(
      JSON.stringify({
        messages: Array.from({ length: 20_000 }, () => ({ role: 'user', content: 'x' })),
      }),
    );
    const huge = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json' },
      many,
    );
    expect(huge.status).toBe(400);
    expect(JSON.parse(huge.text).error.param).toBe('messages');
    const notJson = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json' },
      Buffer.from('{"messages": ['),
    );
    expect(notJson.status).toBe(400);
    noUpstreamCalls();
    // Still serving.
    const ok = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })),
    );
    expect(ok.status).toBe(200);
  });

  it('B6: a body dribbled slowly is cut at the request timeout; other clients are unaffected', async () => {
    const { port } = new URL(fx.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${CANARY.gateway}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
    );
    const dribble = setInterval(() => socket.write(' '), 100);
    const other = await rawPost(
      fx.url,
      '/v1/chat/completions',
      { ...auth, 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] })),
    );
    expect(other.status).toBe(200);
    const elapsed = await closed;
    clearInterval(dribble);
    expect(elapsed).toBeLessThan(5_000);
    expect(fx.sims[0]?.chatCalls).toBe(1);
  });

  it('B9: client headers and URLs are never followed nor forwarded; keys only go to configured hosts', async () => {
    let internalHits = 0;
    const internal: Server = createServer((_req, res) => {
      internalHits += 1;
      res.end('secret');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const address = internal.address();
    const internalURL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/latest/meta-data`;
    const res = await rawPost(
      fx.url,
      '/v1/chat/completions',
      {
        ...auth,
        'content-type': 'application/json',
        'x-forwarded-host': '169.254.169.254',
        'x-api-key': 'client-supplied',
        'x-provider-base-url': internalURL,
      },
      Buffer.from(
        JSON.stringify({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'look' },
                { type: 'image_url', image_url: { url: internalURL } },
              ],
            },
          ],
        }),
      ),
    );
    expect(res.status).toBe(200);
    expect(internalHits).toBe(0);
    const sent = fx.sims[0]?.requests[0];
    expect(sent?.headers['x-forwarded-host']).toBeUndefined();
    expect(sent?.headers['x-api-key']).toBeUndefined();
    expect(sent?.headers['x-provider-base-url']).toBeUndefined();
    expect(sent?.headers.authorization).toBe(`Bearer ${CANARY.compatible}`);
    await new Promise<void>((resolve) => internal.close(() => resolve()));
  });

  it('C7: 1,000 concurrent requests on healthy upstreams: 0 errors, sockets back to baseline', async () => {
    const count = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] });
    await fetch(`${fx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
    const results = await Promise.all(
      Array.from({ length: 1_000 }, () =>
        rawPost(
          fx.url,
          '/v1/chat/completions',
          { ...auth, 'content-type': 'application/json', connection: 'close' },
          Buffer.from(body),
        ),
      ),
    );
    expect(results.filter((r) => r.status !== 200)).toHaveLength(0);
    expect(fx.sims[0]?.chatCalls).toBe(1_001);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Pooled upstream connections (<= 128 per provider) and their server ends remain; nothing else.
    expect(count()).toBeLessThanOrEqual(2 * 128 + 10);
  });
});
