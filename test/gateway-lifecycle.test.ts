import { request as httpRequest, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { listenError } from '../src/gateway/listen-error.js';
import { startGateway } from '../src/gateway/start-gateway.js';
import type { ServerSpan, ServerTracing } from '../src/observability/server-tracing.js';
import { captureLogger } from './helpers/capture-logger.js';
import { aborted, ScriptedClient } from './helpers/scripted-client.js';

/**
 * The gateway's start and shutdown in-process (the CLI's shutdown tests run `flexiai serve` in
 * child processes, which in-process coverage does not see): where it binds without keys, a port
 * in use, server spans, and what a shutdown does to requests still running at its deadline.
 */

interface Answer {
  status: number;
  body: string;
}

/** A POST on a connection of its own; resolves with the whole answer, whenever it ends. */
function send(url: string, path: string, body: unknown, firstByte?: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      agent: false,
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text === '') firstByte?.();
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.end(JSON.stringify(body));
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

/**
 * A client whose plain calls and streams (after a first delta) run until their signal aborts, as
 * a shutdown at its deadline does; `signals` collects each call's signal.
 */
function runningUntilShutdown() {
  const client = new ScriptedClient({ shutdownTimeoutMs: 100 });
  const signals: AbortSignal[] = [];
  let plainStarted!: () => void;
  const plainRunning = new Promise<void>((resolve) => (plainStarted = resolve));
  client.chat = async (request) => {
    signals.push(request.signal as AbortSignal);
    plainStarted();
    await aborted(request.signal);
    throw new Error('aborted by the shutdown');
  };
  client.stream = async function* (controller) {
    signals.push(controller.signal);
    controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
    yield { type: 'text-delta', delta: 'started' };
    await aborted(controller.signal);
    throw controller.signal.reason;
  };
  return { client, signals, plainRunning };
}

describe('gateway shutdown at its deadline (in-process)', () => {
  it('ends a running stream with an SSE error event and a plain request with a 503, aborting both upstream', async () => {
    const { client, signals, plainRunning } = runningUntilShutdown();
    const { logger } = captureLogger('warn');
    const gateway = await startGateway({ client, logger });

    let streamStarted!: () => void;
    const streamRunning = new Promise<void>((resolve) => (streamStarted = resolve));
    const stream = send(gateway.url, '/v1/chat/completions', chat({ stream: true }), () =>
      streamStarted(),
    );
    const plain = send(gateway.url, '/v1/chat/completions', chat());
    await Promise.all([streamRunning, plainRunning]);

    await gateway.close();
    const [streamed, answered] = await Promise.all([stream, plain]);

    expect(streamed.status).toBe(200);
    const events = streamed.body.split('\n').filter((line) => line.startsWith('data: '));
    expect(events.some((e) => e.includes('"content":"started"'))).toBe(true);
    expect(events).not.toContain('data: [DONE]');
    expect(JSON.parse((events.at(-1) as string).slice(6))).toMatchObject({
      error: { type: 'stream_interrupted', code: 'shutting_down' },
    });

    expect(answered.status).toBe(503);
    expect(JSON.parse(answered.body)).toMatchObject({
      error: { type: 'server_error', code: 'shutting_down' },
    });
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('does the same for /v1/responses: a failed event for the stream, a 503 for the plain call, both aborted', async () => {
    const { client, signals, plainRunning } = runningUntilShutdown();
    const { logger } = captureLogger('warn');
    const gateway = await startGateway({ client, logger });
    let streamStarted!: () => void;
    const streamRunning = new Promise<void>((resolve) => (streamStarted = resolve));
    const stream = send(gateway.url, '/v1/responses', { input: 'hi', stream: true }, () =>
      streamStarted(),
    );
    const plain = send(gateway.url, '/v1/responses', { input: 'hi' });
    await Promise.all([streamRunning, plainRunning]);

    await gateway.close();
    const [streamed, answered] = await Promise.all([stream, plain]);
    expect(streamed.status).toBe(200);
    expect(streamed.body).not.toContain('response.completed');
    // Ended in the Responses stream's own format (an `error` event, then `response.failed`,
    // numbered on from the events before), not with chat's `data: { error }`.
    const frames = streamed.body
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: '))
      .map((frame) => {
        const [eventLine, dataLine] = frame.split('\n') as [string, string];
        return {
          event: eventLine.slice(7),
          data: JSON.parse(dataLine.slice(6)) as Record<string, unknown>,
        };
      });
    const last = frames.slice(-2);
    expect(last.map((f) => f.event)).toEqual(['error', 'response.failed']);
    expect(last[0]?.data).toMatchObject({ type: 'error', code: 'shutting_down' });
    expect(last[1]?.data).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'shutting_down' } },
    });
    const sequence = frames.map((f) => f.data.sequence_number);
    expect(sequence).toEqual(sequence.map((_, i) => i));
    expect(streamed.body).not.toMatch(/^data: \{"error"/m);
    expect(answered.status).toBe(503);
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('a shutdown with nothing in flight resolves without waiting for the deadline', async () => {
    // A deadline far beyond the test timeout: resolving at all proves it did not wait for it.
    const client = new ScriptedClient({ shutdownTimeoutMs: 3_600_000 });
    const { logger } = captureLogger('warn');
    const gateway = await startGateway({ client, logger });
    const res = await fetch(`${gateway.url}/livez`); // leaves an idle keep-alive connection
    expect(res.status).toBe(200);
    await res.text();
    await gateway.close();
  });
});

describe('where the gateway binds', () => {
  it('without gateway keys, a non-loopback host falls back to 127.0.0.1, with a warning', async () => {
    const log = captureLogger('info');
    const gateway = await startGateway({
      client: new ScriptedClient(),
      logger: log.logger,
      host: '0.0.0.0',
    });
    try {
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const warning = log.lines().find((line) => line['level'] === 40);
      expect(warning?.['requestedHost']).toBe('0.0.0.0');
      expect(String(warning?.['msg'])).toContain('binding to 127.0.0.1');
    } finally {
      await gateway.close();
    }
  });

  it('with gateway keys it binds where asked; an IPv6 host is bracketed in the URL', async () => {
    const log = captureLogger('info');
    const gateway = await startGateway({
      client: new ScriptedClient({ apiKeys: ['fk-ipv6-0123456789abcdef'] }),
      logger: log.logger,
      host: '::1',
    });
    try {
      expect(gateway.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
      expect(log.lines().filter((line) => line['level'] === 40)).toHaveLength(0);
    } finally {
      await gateway.close();
    }
  });

  it('a port already in use: a ConfigurationError naming the address and what to change', async () => {
    const { logger } = captureLogger('warn');
    const first = await startGateway({ client: new ScriptedClient(), logger });
    const port = Number(new URL(first.url).port);
    try {
      const error = await startGateway({ client: new ScriptedClient(), logger, port }).catch(
        (e: unknown) => e,
      );
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`cannot listen on 127.0.0.1:${port}`);
      expect((error as Error).message).toContain('EADDRINUSE');
      expect((error as Error).message).toContain('--port');
    } finally {
      await first.close();
    }
  });

  it('listenError: other failures are passed on unchanged', () => {
    const odd = Object.assign(new Error('odd'), { code: 'EWHATEVER' });
    expect(listenError(odd, '127.0.0.1', 1)).toBe(odd);
    expect(listenError('not an error', '127.0.0.1', 1)).toBe('not an error');
    expect(listenError(null, '127.0.0.1', 1)).toBeNull();
    const denied = listenError(Object.assign(new Error('x'), { code: 'EACCES' }), '0.0.0.0', 80);
    expect((denied as Error).message).toContain('permission denied');
  });
});

describe('server spans', () => {
  it('runs each route inside its span and ends it with the status and route; none while tracing is off', async () => {
    const ended: { status: number; route: string | undefined }[] = [];
    let inside = 0;
    let on = true;
    const tracing: ServerTracing = {
      start: (): ServerSpan => ({
        run: (fn) => {
          inside += 1;
          return fn();
        },
        end: (status, route) => ended.push({ status, route }),
      }),
    };
    const client = new ScriptedClient();
    Object.assign(client, { serverTracing: () => (on ? tracing : undefined) });
    const { logger } = captureLogger('warn');
    const gateway = await startGateway({ client, logger });
    try {
      const res = await fetch(`${gateway.url}/v1/models/nope`);
      expect(res.status).toBe(404);
      await res.text();
      on = false;
      await (await fetch(`${gateway.url}/livez`)).text();
    } finally {
      // Closing waits for the connections, so every response (and its onResponse hook) is done.
      await gateway.close();
    }
    expect(inside).toBe(1);
    expect(ended).toEqual([{ status: 404, route: '/v1/models/*' }]);
  });
});
