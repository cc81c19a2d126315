import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CANARY, expectNoCanary } from '../../../test/helpers/canary.js';
import { parseConfig } from '../../config/parse-config.js';
import type {
  ProviderConfigInput,
  VertexAIProviderConfig,
} from '../../config/provider-config-schema.js';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { classifyError } from '../../errors/is-retryable.js';
import { systemClock } from '../../internal/clock.js';
import { silentLogger } from '../../internal/logger.js';
import { fault } from '../../testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../../testing/simulated-provider.js';
import type { StreamChunk } from '../../types/stream-chunk.js';
import type { ProviderRequest } from '../provider.js';
import { GeminiProvider, type GeminiProviderOptions } from './gemini-provider.js';
import { GoogleAuthTokenError } from './google-auth-token.js';
import type { TokenSource } from './vertex-token-source.js';

const TOKEN = CANARY.vertexToken;
const MODEL = 'gemini-2.5-flash';
const VERTEX_PATH = `/v1/projects/my-proj/locations/us-central1/publishers/google/models/${MODEL}`;
const call = { correlationId: 'req_test', logger: silentLogger };
const request: ProviderRequest = { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] };

function vertexConfig(overrides: Partial<ProviderConfigInput> = {}): VertexAIProviderConfig {
  return parseConfig(
    {
      providers: [
        {
          name: 'vx',
          type: 'vertexai',
          project: 'my-proj',
          location: 'us-central1',
          model: MODEL,
          ...overrides,
        },
      ],
    },
    { env: false },
  ).providers[0] as VertexAIProviderConfig;
}

const create = (config: VertexAIProviderConfig, options: GeminiProviderOptions = {}) =>
  new GeminiProvider(config, { clock: systemClock, logger: silentLogger }, options);

/** Hands out the given tokens in turn and counts fetches and invalidations. */
function rotatingTokens(...tokens: string[]): TokenSource & { fetches: number; drops: number } {
  let current: string | undefined;
  const source = {
    fetches: 0,
    drops: 0,
    getToken: async () => {
      if (current === undefined) {
        current = tokens[Math.min(source.fetches, tokens.length - 1)] ?? '';
        source.fetches += 1;
      }
      return current;
    },
    invalidate: () => {
      source.drops += 1;
      current = undefined;
    },
  };
  return source;
}

describe('GeminiProvider (Vertex AI) over HTTP', () => {
  let sim: SimulatedProvider;
  let provider: GeminiProvider;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ wire: 'gemini', apiKey: TOKEN });
    provider = create(vertexConfig({ baseURL: sim.baseURL, accessToken: TOKEN }));
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('calls the project and location path with the bearer token, never a key', async () => {
    const result = await provider.chat(request, call);
    expect(result.content).toContain('You said: Hi');
    const sent = sim.requests[0];
    expect(sent?.url).toBe(`${VERTEX_PATH}:generateContent`);
    expect(sent?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent?.headers['x-goog-api-key']).toBeUndefined();
    expect(sent?.body).toMatchObject({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('streams on streamGenerateContent?alt=sse', async () => {
    const chunks: StreamChunk[] = [];
    for await (const chunk of await provider.chatStream(request, call)) chunks.push(chunk);
    expect(sim.requests[0]?.url).toBe(`${VERTEX_PATH}:streamGenerateContent?alt=sse`);
    expect(chunks.at(-2)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(chunks.at(-1)?.type).toBe('usage');
  });

  it('health-checks with a cached countTokens call', async () => {
    const first = await provider.healthCheck({ force: true });
    await provider.healthCheck();
    expect(first.ok).toBe(true);
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ method: 'POST', url: `${VERTEX_PATH}:countTokens` });
  });

  it('maps 401 UNAUTHENTICATED and keeps the token out of the error (S1, S2)', async () => {
    sim.enqueue(
      fault.status(401, {
        message: `Request had invalid authentication credentials: Bearer ${TOKEN}`,
      }),
    );
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, upstreamType: 'UNAUTHENTICATED', retryable: false });
    expectNoCanary(JSON.stringify(error), 'error JSON');
    expectNoCanary(String((error as Error).message), 'error message');
    expectNoCanary(String((error as Error).stack), 'error stack');
    for (const sent of sim.requests) expectNoCanary(sent.url, 'URL');
  });

  it('never shows its token when inspected (S4)', async () => {
    await provider.chat(request, call);
    expectNoCanary(inspect(provider, { depth: 10 }), 'util.inspect');
    expectNoCanary(JSON.stringify(provider), 'JSON.stringify');
  });

  it('drops a refused token so the next call fetches a fresh one', async () => {
    const tokens = rotatingTokens('ya29.old-token-0123456789', TOKEN);
    const rotating = create(vertexConfig({ baseURL: sim.baseURL }), { tokenSource: tokens });
    const first = await rotating.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(first)).toBe(true);
    expect(tokens.drops).toBe(1);
    const second = await rotating.chat(request, call);
    expect(second.content).toContain('You said');
    expect(tokens.fetches).toBe(2);
    expect(sim.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer ya29.old-token-0123456789',
      `Bearer ${TOKEN}`,
    ]);
    await rotating.close();
  });

  it('turns a failed token fetch into an authentication failure, with no upstream call', async () => {
    const failing: TokenSource = {
      getToken: () =>
        Promise.reject(new GoogleAuthTokenError('Could not load the default credentials')),
      invalidate: () => undefined,
    };
    const broken = create(vertexConfig({ baseURL: sim.baseURL }), { tokenSource: failing });
    const error = await broken.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(classifyError(error)).toBe('auth');
    expect((error as Error).message).toContain('Could not load the default credentials');
    expect(sim.requests).toHaveLength(0);
    await broken.close();
  });
});

describe('Vertex AI credentials through google-auth-library', () => {
  it('says how to fix it when the optional package is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'google-auth-library'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const provider = create(vertexConfig(), { loadGoogleAuth: () => Promise.reject(missing) });
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('npm install google-auth-library');
    expect((error as Error).message).toContain('accessToken');
    await provider.close();
  });

  it('loads the real library lazily and reports an unreadable service-account file as an auth failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-vertex-'));
    const file = join(dir, 'missing-service-account.json');
    const provider = create(vertexConfig({ credentialsFile: file }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Vertex AI access token/);
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never puts the private key of a bad service-account file in the error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flexiai-vertex-'));
    const file = join(dir, 'sa.json');
    const privateKey =
      '-----BEGIN PRIVATE KEY-----\nCANARYprivatekeymaterial0123456789\n-----END PRIVATE KEY-----\n';
    // Not a service account google-auth-library can use (no client_email): it fails locally.
    writeFileSync(file, JSON.stringify({ type: 'service_account', private_key: privateKey }));
    const provider = create(vertexConfig({ credentialsFile: file }));
    const error = await provider.chat(request, call).catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('CANARYprivatekeymaterial');
    expect(String((error as Error).stack)).not.toContain('CANARYprivatekeymaterial');
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
