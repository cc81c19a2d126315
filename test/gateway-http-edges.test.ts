import { once } from 'node:events';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { ProviderError } from '../src/errors/provider-error.js';
import { startGateway, type RunningGateway } from '../src/gateway/start-gateway.js';
import { gatewayKeyId } from '../src/gateway/check-gateway-key.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { captureLogger, type CapturedLogger } from './helpers/capture-logger.js';
import {
  aborted,
  chatResponse,
  providerStatus,
  ScriptedClient,
} from './helpers/scripted-client.js';

/**
 * The gateway's own behaviour over real HTTP, with a scripted client behind it (no providers):
 * framing errors, the error mapping end to end, request ids, key ids, optional routes, probes,
 * and the streaming contract's edges (nothing before commit, error after commit, client abort).
 */

let gateway: RunningGateway | undefined;
let log: CapturedLogger;

async function serve(
  client: ScriptedClient,
  options: Parameters<typeof startGateway>[0]['metrics'] = undefined,
): Promise<string> {
  log = captureLogger('debug');
  gateway = await startGateway({
    client,
    logger: log.logger,
    ...(options ? { metrics: options } : {}),
  });
  return gateway.url;
}

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'default',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

/** Sends a JSON POST over a connection of its own (closed when the request is destroyed). */
function send(url: string, path: string, body: unknown): ClientRequest {
  const req = httpRequest(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    agent: false,
  });
  req.on('error', () => undefined); // destroyed on purpose
  req.end(JSON.stringify(body));
  return req;
}

/** Sends a request, waits for the first bytes of the answer, then closes the connection. */
async function dropAfterFirstByte(url: string, path: string, body: unknown): Promise<void> {
  const req = send(url, path, body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  await once(res, 'data');
  req.destroy();
}

type ErrorJson = { error: { message: string; type: string; code: string | null; param: unknown } };

describe('gateway framing: bodies the routes never see', () => {
  it('a body that is not JSON, or empty: 400 in the OpenAI shape, no client call', async () => {
    const client = new ScriptedClient();
    const url = await serve(client);
    for (const body of ['{"messages": [', '']) {
      const res = await post(`${url}/v1/chat/completions`, body);
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as ErrorJson;
      expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
      expect(error.message).toMatch(/JSON|empty/);
    }
    expect(client.calls).toHaveLength(0);
  });

  it('a content type the gateway does not parse: 415 unsupported_media_type', async () => {
    const client = new ScriptedClient();
    const url = await serve(client);
    const res = await post(`${url}/v1/chat/completions`, '<chat/>', {
      'content-type': 'application/xml',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as ErrorJson).error.code).toBe('unsupported_media_type');
    expect(client.calls).toHaveLength(0);
  });

  it('an unknown route: 404 not_found naming the method and path, never the query', async () => {
    const url = await serve(new ScriptedClient());
    const res = await fetch(`${url}/v1/nothing-here?token=abc`);
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as ErrorJson;
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No route for GET /v1/nothing-here');
  });

  it('a well-formed x-request-id is kept and passed on as the correlation id; others are replaced', async () => {
    const client = new ScriptedClient();
    const url = await serve(client);
    const kept = await post(`${url}/v1/chat/completions`, chatBody(), {
      'x-request-id': 'trace-42:abc.DEF_1',
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-42:abc.DEF_1');
    expect(client.calls[0]?.request.correlationId).toBe('trace-42:abc.DEF_1');
    const replaced = await post(`${url}/v1/chat/completions`, chatBody(), {
      'x-request-id': 'has spaces <and> markup',
    });
    const id = replaced.headers.get('x-request-id');
    expect(id).not.toBe('has spaces <and> markup');
    expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    expect(client.calls[1]?.request.correlationId).toBe(id);
  });
});

describe('gateway: errors from the client, end to end', () => {
  it('an unexpected error: 500 with a fixed message; the log has the correlation id, the body nothing of the error', async () => {
    const client = new ScriptedClient();
    client.chat = async () => {
      throw new Error('database password hunter2 leaked in a bug');
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/chat/completions`, chatBody(), { 'x-request-id': 'req-500' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect((JSON.parse(text) as ErrorJson).error.code).toBe('internal_error');
    const warnings = log
      .lines()
      .filter((line) => line['correlationId'] === 'req-500' && line['level'] === 40);
    expect(warnings).toHaveLength(1);
  });

  it('every provider rate-limited: 429 with Retry-After, on chat and on a stream that never committed', async () => {
    const client = new ScriptedClient();
    const failure = () =>
      new AllProvidersFailedError(
        [{ provider: 'a', model: 'model-a', ok: false, latencyMs: 1, status: 429 }],
        2_100,
      );
    client.chat = async () => {
      throw failure();
    };
    client.stream = async function* () {
      yield { type: 'response-metadata' }; // not output: nothing is sent yet
      throw failure();
    };
    const url = await serve(client);
    for (const body of [chatBody(), chatBody({ stream: true })]) {
      const res = await post(`${url}/v1/chat/completions`, body);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(((await res.json()) as ErrorJson).error.type).toBe('rate_limit_error');
    }
  });

  it('an upstream caller error keeps its status (e.g. 422) and the upstream code', async () => {
    const client = new ScriptedClient();
    client.chat = async () => {
      throw new ProviderError('unprocessable', {
        provider: 'a',
        model: 'model-a',
        status: 422,
        upstreamCode: 'bad_schema',
      });
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/chat/completions`, chatBody());
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.code).toBe('bad_schema');
  });
});

describe('gateway keys: named and unnamed, by id (never the key)', () => {
  const NAMED = 'fk-named-0123456789abcdef';
  const PLAIN = 'fk-plain-0123456789abcdef';
  const keys: FlexiAIConfigInput['server'] = { apiKeys: [{ name: 'team-a', key: NAMED }, PLAIN] };

  it("a named key's requests carry its name, an unnamed key's its hash id", async () => {
    const client = new ScriptedClient(keys);
    const url = await serve(client);
    const named = await post(`${url}/v1/chat/completions`, chatBody(), {
      authorization: `Bearer ${NAMED}`,
    });
    expect(named.status).toBe(200);
    // The scheme is case-insensitive and surrounding whitespace is ignored.
    const plain = await post(`${url}/v1/chat/completions`, chatBody(), {
      authorization: `  bearer ${PLAIN} `,
    });
    expect(plain.status).toBe(200);
    expect(client.calls.map((c) => c.options?.gatewayKeyId)).toEqual([
      'team-a',
      gatewayKeyId(PLAIN),
    ]);
    expect(gatewayKeyId(PLAIN)).toMatch(/^key-[0-9a-f]{12}$/);
  });

  it('refuses a wrong key, an empty bearer, another scheme, and none: 401, no client call', async () => {
    const client = new ScriptedClient(keys);
    const url = await serve(client);
    for (const authorization of [`Bearer ${NAMED}x`, 'Bearer ', `Basic ${PLAIN}`, undefined]) {
      const res = await post(
        `${url}/v1/chat/completions`,
        chatBody(),
        authorization === undefined ? {} : { authorization },
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await res.json()) as ErrorJson).error.code).toBe('invalid_api_key');
    }
    expect(client.calls).toHaveLength(0);
  });

  it('probes are public even with a query string; /health is not', async () => {
    const url = await serve(new ScriptedClient(keys));
    expect((await fetch(`${url}/livez?probe=1`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(401);
  });
});

describe('gateway: probes and optional routes', () => {
  it('/health: ok, degraded (200) and unavailable (503) by how many providers can serve', async () => {
    const client = new ScriptedClient();
    const url = await serve(client);
    client.providers = [providerStatus('a', true), providerStatus('b', true)];
    let res = await fetch(`${url}/health`);
    expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([200, 'ok']);
    client.providers = [providerStatus('a', false), providerStatus('b', true)];
    res = await fetch(`${url}/health`);
    const degraded = (await res.json()) as { status: string; providers: { state: string }[] };
    expect([res.status, degraded.status]).toEqual([200, 'degraded']);
    expect(degraded.providers.map((p) => p.state)).toEqual(['open', 'closed']);
    client.providers = [providerStatus('a', false), providerStatus('b', false)];
    res = await fetch(`${url}/health`);
    expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([
      503,
      'unavailable',
    ]);
  });

  it('/readyz: 200 while a provider can serve, 503 when none can; /livez regardless', async () => {
    const client = new ScriptedClient();
    const url = await serve(client);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({
      status: 'ready',
      sync: 'memory',
    });
    client.providers = [providerStatus('a', false)];
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe('unavailable');
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });

  it('a client without metrics, dashboard or embeddings: those routes answer 404', async () => {
    const url = await serve(new ScriptedClient());
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/dashboard`)).status).toBe(404);
    expect((await fetch(`${url}/dashboard/data`)).status).toBe(404);
    expect((await post(`${url}/v1/embeddings`, { input: 'x' })).status).toBe(404);
  });

  it('/metrics serves the cluster aggregate, and ?scope=worker the answering worker', async () => {
    const client = new ScriptedClient();
    const family = (value: number) => ({
      takenAt: 0,
      startedAt: 0,
      circuitHistory: [],
      families: [
        {
          name: 'flexiai_requests_total',
          help: 'Requests.',
          type: 'counter' as const,
          labelNames: [],
          series: [{ labels: [], value }],
        },
      ],
    });
    Object.assign(client, { getMetrics: () => family(1) });
    let aggregated = 0;
    const url = await serve(client, {
      aggregate: async () => {
        aggregated += 1;
        return family(7);
      },
    });
    const all = await fetch(`${url}/metrics`);
    expect(all.headers.get('content-type')).toContain('text/plain');
    expect(all.headers.get('cache-control')).toBe('no-store');
    expect(await all.text()).toContain('flexiai_requests_total 7');
    expect(await (await fetch(`${url}/metrics?scope=worker`)).text()).toContain(
      'flexiai_requests_total 1',
    );
    expect(aggregated).toBe(1);
  });

  it('/dashboard: the page with a locked-down CSP; /dashboard/data the figures, never cached', async () => {
    const client = new ScriptedClient();
    Object.assign(client, { getDashboardFigures: () => ({ figures: 'scripted' }) });
    const url = await serve(client);
    const page = await fetch(`${url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const data = await fetch(`${url}/dashboard/data`);
    expect(data.headers.get('cache-control')).toBe('no-store');
    expect(await data.json()).toEqual({ figures: 'scripted' });
  });
});

/** The `data:` payloads of an SSE body, in order. */
const dataLines = (text: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));

describe('gateway: chat streams', () => {
  it('an error after the first output: an explicit error event, never [DONE]', async () => {
    const client = new ScriptedClient();
    client.stream = async function* (controller) {
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'text-delta', delta: 'partial' };
      throw new ProviderError('cut', { provider: 'a', model: 'model-a' }, 'stream_interrupted');
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/chat/completions`, chatBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-provider')).toBe('a');
    const events = dataLines(await res.text());
    expect(events).not.toContain('[DONE]');
    const last = JSON.parse(events.at(-1) as string) as ErrorJson;
    expect(last.error).toMatchObject({ type: 'stream_interrupted', code: 'stream_interrupted' });
    expect(events.some((e) => e.includes('"content":"partial"'))).toBe(true);
  });

  it('metadata and usage: the upstream id and model, dropped params, usage with the cost, the cost comment', async () => {
    const client = new ScriptedClient();
    client.stream = async function* (controller) {
      yield {
        type: 'response-metadata',
        id: 'up-123',
        model: 'model-a-2025',
        droppedParams: ['logitBias'],
      };
      controller.commit({ provider: 'a', model: 'model-a-2025', attempts: [] });
      yield { type: 'text-delta', delta: 'hello' };
      yield { type: 'reasoning-delta', delta: '' };
      yield { type: 'usage', usage: { promptTokens: 4, completionTokens: 2, totalTokens: 6 } };
      yield { type: 'finish', finishReason: 'error' };
      return chatResponse({ content: 'hello', costUsd: 0.0000125 });
    };
    const url = await serve(client);
    const res = await post(
      `${url}/v1/chat/completions`,
      chatBody({ stream: true, stream_options: { include_usage: true } }),
    );
    // Dropped params that were known before the first output make the header.
    expect(res.headers.get('x-flexiai-dropped-params')).toBe('logit_bias');
    const text = await res.text();
    expect(text).toContain(': x-flexiai-cost: 0.0000125\n\n');
    const events = dataLines(text);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, unknown>);
    expect(new Set(chunks.map((c) => c['id']))).toEqual(new Set(['chatcmpl-up-123']));
    expect(new Set(chunks.map((c) => c['model']))).toEqual(new Set(['model-a-2025']));
    // An empty reasoning delta sends nothing; an error finish is reported as stop.
    expect(chunks).toHaveLength(4); // role, text, finish, usage
    const finish = chunks[2] as { choices: { finish_reason: string }[] };
    expect(finish.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[3]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6, cost: 0.0000125 },
    });
  });

  it('a stream with no output at all still starts, and ends with [DONE]', async () => {
    const client = new ScriptedClient();
    client.stream = async function* (controller) {
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'response-metadata', id: 'x' };
      return chatResponse({ content: '' });
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/chat/completions`, chatBody({ stream: true }));
    const events = dataLines(await res.text());
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0] as string)).toMatchObject({
      choices: [{ delta: { role: 'assistant', content: '' } }],
    });
    expect(events[1]).toBe('[DONE]');
  });

  it('a client that goes away mid-stream aborts the stream behind it', async () => {
    const client = new ScriptedClient();
    let signal: AbortSignal | undefined;
    client.stream = async function* (controller) {
      signal = controller.signal;
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'text-delta', delta: 'first' };
      await aborted(controller.signal);
      throw controller.signal.reason;
    };
    const url = await serve(client);
    await dropAfterFirstByte(url, '/v1/chat/completions', chatBody({ stream: true }));
    await aborted(signal);
    expect(signal?.aborted).toBe(true);
  });

  it('a client that goes away before a plain answer aborts the request behind it', async () => {
    const client = new ScriptedClient();
    let signal: AbortSignal | undefined;
    let called!: () => void;
    const calledPromise = new Promise<void>((resolve) => (called = resolve));
    client.chat = async (request) => {
      signal = request.signal;
      called();
      await aborted(request.signal);
      throw new Error('aborted');
    };
    const url = await serve(client);
    const req = send(url, '/v1/chat/completions', chatBody());
    await calledPromise;
    req.destroy();
    await aborted(signal);
    expect(signal?.aborted).toBe(true);
  });

  it('strictParams: a field no provider receives is refused naming it; without it, reported as dropped', async () => {
    const strict = new ScriptedClient({ strictParams: true });
    let url = await serve(strict);
    const refused = await post(
      `${url}/v1/chat/completions`,
      chatBody({ prediction: { type: 'content', content: 'x' } }),
    );
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorJson).error.param).toBe('prediction');
    expect(strict.calls).toHaveLength(0);
    await gateway?.close();

    const lenient = new ScriptedClient();
    lenient.chat = async () => chatResponse({ droppedParams: ['topK'], costUsd: 0.00042 });
    url = await serve(lenient);
    const res = await post(
      `${url}/v1/chat/completions`,
      chatBody({ prediction: { type: 'content', content: 'x' } }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-dropped-params')).toBe('top_k, prediction');
    expect(res.headers.get('x-flexiai-cost')).toBe('0.00042');
    expect(lenient.calls[0]?.request.strictParams).toBeUndefined();
  });
});

describe('gateway: Responses streams', () => {
  it('an error after output began: error and response.failed events, never response.completed', async () => {
    const client = new ScriptedClient();
    client.stream = async function* (controller) {
      yield { type: 'response-metadata', droppedParams: ['reasoning'] };
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'text-delta', delta: 'partial' };
      throw new ProviderError('cut', { provider: 'a', model: 'model-a' }, 'stream_interrupted');
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/responses`, { input: 'hi', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-dropped-params')).toBe('reasoning.effort');
    const text = await res.text();
    const types = text
      .split('\n')
      .filter((line) => line.startsWith('event: '))
      .map((line) => line.slice('event: '.length));
    expect(types).toContain('response.failed');
    expect(types).not.toContain('response.completed');
    expect(text).toContain('stream_interrupted');
  });

  it('a stream that fails before any output is an ordinary HTTP error', async () => {
    const client = new ScriptedClient();
    client.stream = async function* () {
      yield { type: 'response-metadata' };
      throw new AllProvidersFailedError([]);
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/responses`, { input: 'hi', stream: true });
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error.code).toBe('all_providers_failed');
  });

  it('a stream with no output completes (created, then completed)', async () => {
    const client = new ScriptedClient();
    client.stream = async function* (controller) {
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'response-metadata', droppedParams: [] };
      return chatResponse({ content: '' });
    };
    const url = await serve(client);
    const res = await post(`${url}/v1/responses`, { input: 'hi', stream: true, model: 'default' });
    const text = await res.text();
    expect(text).toContain('event: response.created');
    expect(text).toContain('event: response.completed');
    expect(text).toContain('"model":"model-a"');
  });

  it('a client that goes away mid-stream aborts the stream behind it', async () => {
    const client = new ScriptedClient();
    let signal: AbortSignal | undefined;
    client.stream = async function* (controller) {
      signal = controller.signal;
      controller.commit({ provider: 'a', model: 'model-a', attempts: [] });
      yield { type: 'text-delta', delta: 'first' };
      await aborted(controller.signal);
      throw controller.signal.reason;
    };
    const url = await serve(client);
    await dropAfterFirstByte(url, '/v1/responses', { input: 'hi', stream: true });
    await aborted(signal);
    expect(signal?.aborted).toBe(true);
  });

  it('a plain Responses request passes the gateway key id and reports dropped params by Responses names', async () => {
    const client = new ScriptedClient({
      apiKeys: [{ name: 'team-r', key: 'fk-r-0123456789abcdef' }],
    });
    client.chat = async () => chatResponse({ droppedParams: ['maxTokens', 'verbosity'] });
    const url = await serve(client);
    const res = await post(
      `${url}/v1/responses`,
      { input: 'hi', max_output_tokens: 5 },
      { authorization: 'Bearer fk-r-0123456789abcdef' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-dropped-params')).toBe('max_output_tokens, text.verbosity');
    expect(client.calls[0]?.options?.gatewayKeyId).toBe('team-r');
  });
});
