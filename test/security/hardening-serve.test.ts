import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderType } from '../../src/config/provider-config-schema.js';
import type { Fault } from '../../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../src/testing/simulated-provider.js';
import { CANARY, expectNoCanary } from '../helpers/canary.js';
import { startServe, type ServeProcess } from '../helpers/run-cli.js';
import { KEY_OF, PROVIDER_TYPES, WIRE_OF } from '../helpers/sim-fleet.js';

/**
 * Issue 18's findings, each over HTTP through a real `flexiai serve` process with a gateway key,
 * for every provider type: one simulated provider per type (speaking its wire, checking its canary
 * key), each reachable alone as `model: "x-<type>"`. The breaker opens after two failures, so an
 * attack that counted against a circuit would show at once in /health.
 */

const NAME = (type: ProviderType): string => `x-${type}`;
const AUTH = { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' };

let dir: string;
let serve: ServeProcess;
const sims = new Map<ProviderType, SimulatedProvider>();

function yamlConfig(): string {
  const lines = ['providers:'];
  for (const type of PROVIDER_TYPES) {
    const sim = sims.get(type) as SimulatedProvider;
    lines.push(
      `  - name: ${NAME(type)}`,
      `    type: ${type}`,
      `    model: model-${type}`,
      `    baseURL: ${sim.baseURL}`,
    );
    if (type === 'vertexai') {
      lines.push(
        '    project: p',
        '    location: us-central1',
        `    accessToken: "${KEY_OF[type]}"`,
      );
    } else {
      lines.push(`    apiKey: "${KEY_OF[type]}"`);
    }
  }
  lines.push(
    'circuitBreaker:',
    '  failureThreshold: 2',
    '  recoveryTimeoutMs: 600000',
    'retry:',
    '  maxAttempts: 1',
    'server:',
    '  port: 0',
    '  apiKeys:',
    `    - "${CANARY.gateway}"`,
    'logging:',
    '  level: debug',
  );
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  for (const type of PROVIDER_TYPES) {
    sims.set(
      type,
      await createSimulatedProvider({ name: type, wire: WIRE_OF[type], apiKey: KEY_OF[type] }),
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'flexiai-hardening-'));
  writeFileSync(join(dir, 'flexiai.yaml'), yamlConfig());
  serve = await startServe(['--config', join(dir, 'flexiai.yaml')]);
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await Promise.all([...sims.values()].map((sim) => sim.close()));
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown | string, headers: Record<string, string> = AUTH) =>
  fetch(`${serve.url}/v1/chat/completions`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const messages = [{ role: 'user', content: 'hi' }];

interface Circuit {
  state: string;
  failures: number;
}

async function circuitOf(type: ProviderType): Promise<Circuit> {
  const health = (await (await fetch(`${serve.url}/health`)).json()) as {
    providers: { name: string; state: string; failures: number }[];
  };
  const found = health.providers.find((p) => p.name === NAME(type));
  if (!found) throw new Error(`no provider ${NAME(type)} in /health`);
  return { state: found.state, failures: found.failures };
}

/** Asserts the request was the caller's: 400 naming `param`, no upstream call, circuit untouched. */
async function expectCallerError(
  type: ProviderType,
  send: () => Promise<Response>,
  param: string,
): Promise<void> {
  const sim = sims.get(type) as SimulatedProvider;
  const before = sim.chatCalls;
  // Twice: on the old code the second one opened the circuit.
  for (let i = 0; i < 2; i += 1) {
    const res = await send();
    const body = (await res.json()) as { error: { param: string | null; message: string } };
    expect(res.status, body.error.message).toBe(400);
    expect(body.error.param).toBe(param);
  }
  expect(sim.chatCalls).toBe(before);
  expect(await circuitOf(type)).toEqual({ state: 'closed', failures: 0 });
}

/** A JSON text nesting `depth` arrays: tiny on the wire, deep enough to overflow a recursive serializer. */
const deepJson = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const DEEP = 20_000;

describe.each(PROVIDER_TYPES)('%s: no client can open a circuit', (type) => {
  const model = NAME(type);

  it.each([false, true])(
    'a tool schema nested 20,000 deep is a 400 naming it (stream: %s)',
    async (stream) => {
      const body = `{"model":"${model}","stream":${stream},"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","x":${deepJson(DEEP)}}}}]}`;
      await expectCallerError(type, () => post(body), 'tools.0.function.parameters');
    },
  );

  it('a response JSON schema nested 20,000 deep is a 400 naming it', async () => {
    const body = `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"x":${deepJson(DEEP)}}}}}`;
    await expectCallerError(type, () => post(body), 'response_format.json_schema.schema');
  });

  it('provider options nested 20,000 deep are a 400 naming them', async () => {
    const body = `{"model":"${model}","stream":true,"messages":[{"role":"user","content":"hi"}],"provider_options":{"${type}":{"x":${deepJson(DEEP)}}}}`;
    await expectCallerError(type, () => post(body), `provider_options.${type}`);
  });

  it.each(['stream', 'model', 'messages'])(
    'provider_options cannot set %s, which the adapter owns',
    async (field) => {
      const value = field === 'stream' ? true : field === 'model' ? 'other' : [];
      await expectCallerError(
        type,
        () => post({ model, messages, provider_options: { [type]: { [field]: value } } }),
        `provider_options.${type}.${field}`,
      );
    },
  );

  it('provider_options keyed by the provider name cannot set the stream mode either', async () => {
    await expectCallerError(
      type,
      () => post({ model, messages, provider_options: { [model]: { stream: true } } }),
      `provider_options.${model}.stream`,
    );
  });
});

describe('the front door', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'model "%s" is a 404 model_not_found, not a 500',
    async (model) => {
      const res = await post({ model, messages });
      const body = (await res.json()) as { error: { code: string; param: string } };
      expect(res.status).toBe(404);
      expect(body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    },
  );

  it.each(PROVIDER_TYPES)(
    'a 1 MiB model name (%s/<1 MiB>) is a 400 naming model, never routed or cached',
    async (type) => {
      const sim = sims.get(type) as SimulatedProvider;
      const before = sim.chatCalls;
      const res = await post({ model: `${NAME(type)}/${'m'.repeat(1024 * 1024)}`, messages });
      const body = (await res.json()) as { error: { param: string } };
      expect(res.status).toBe(400);
      expect(body.error.param).toBe('model');
      expect(sim.chatCalls).toBe(before);
    },
  );

  it('an unauthenticated request is answered 401 and closed without the body being read', async () => {
    const url = new URL(serve.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    let closed = false;
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    const announced = 1024 * 1024 * 1024;
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${announced}\r\n\r\n`,
    );
    // Keep sending for as long as the gateway reads, up to 256 MiB, counting only what left our
    // buffers. A gateway that reads the body takes it all; one that stops reading stalls us once
    // the kernel buffers are full (a few MiB), and then closes the connection.
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const deadline = Date.now() + 60_000;
    const closedOrDrained = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2_000);
        socket.once('drain', () => {
          clearTimeout(timer);
          resolve(true);
        });
        socket.once('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
    let written = 0;
    while (!closed && written < 256 * chunk.length && Date.now() < deadline) {
      if (socket.write(chunk) || (await closedOrDrained())) written += chunk.length;
      else break; // stalled: the gateway stopped reading
    }
    // What got in is the kernel's buffers, not the gateway reading.
    expect(written).toBeLessThan(64 * chunk.length);
    await expect.poll(() => closed, { timeout: 60_000, interval: 100 }).toBe(true);
    socket.destroy();
    expect(response).toMatch(/^HTTP\/1\.1 401 /);
    expect(response.toLowerCase()).toContain('connection: close');
  }, 90_000);
});

/** An upstream error echoing the provider's own key in every field it has, for each wire. */
function echoingFault(type: ProviderType, status: number): Fault {
  const key = KEY_OF[type];
  return { kind: 'status', status, message: `key ${key} refused`, type: key, code: key };
}

// Last: the 502 and the stream error count against the circuit (they are the provider's failures).
describe.each(PROVIDER_TYPES)('%s: upstream error text', (type) => {
  const model = NAME(type);
  const sim = () => sims.get(type) as SimulatedProvider;

  it('a 5 MB upstream error message is capped at about 8 KB, with a marker', async () => {
    sim().enqueue({ kind: 'status', status: 400, message: 'x'.repeat(5 * 1024 * 1024) });
    const res = await post({ model, messages });
    const body = (await res.json()) as { error: { message: string } };
    expect(res.status).toBe(400);
    expect(body.error.message.length).toBeLessThan(10 * 1024);
    expect(body.error.message).toContain('truncated');
  });

  it('a successful stream reports x-flexiai-attempts: 1', async () => {
    const res = await post({ model, messages, stream: true });
    await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-flexiai-attempts')).toBe('1');
    expect(res.headers.get('x-flexiai-attempt-path')).toBe(`${model}:ok`);
  });
  it.each([400, 502])(
    'the key echoed in error.type and error.code (HTTP %s) reaches neither the client nor the logs',
    async (status) => {
      sim().enqueue(echoingFault(type, status));
      const res = await post({ model, messages });
      const text = await res.text();
      expect(res.status).toBe(status === 400 ? 400 : 502);
      expectNoCanary(text, 'the response');
      expect(text).toContain('[REDACTED]');
      // The request's own log lines are written (its id is on every one of them).
      const id = res.headers.get('x-request-id') as string;
      await expect.poll(() => serve.stdout(), { timeout: 10_000 }).toContain(id);
      expectNoCanary(serve.stdout() + serve.stderr(), 'the gateway logs');
    },
  );

  it('the key echoed in a stream error event reaches neither the client nor the logs', async () => {
    const key = KEY_OF[type];
    sim().enqueue({ kind: 'stream-error', afterChunks: 1, message: `key ${key}`, type: key });
    const res = await post({ model, messages, stream: true });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('stream_interrupted');
    expectNoCanary(text, 'the stream');
    const id = res.headers.get('x-request-id') as string;
    await expect.poll(() => serve.stdout(), { timeout: 10_000 }).toContain(id);
    expectNoCanary(serve.stdout() + serve.stderr(), 'the gateway logs');
  });
});
