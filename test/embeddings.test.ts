import { afterEach, describe, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import type { AttemptEvent, RequestEvent } from '../src/client/event-types.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { fault } from '../src/testing/faults.js';
import { simEmbedding } from '../src/testing/sim-wire.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';

const KEY = 'sk-embed-test-0123456789abcdef';
const quiet = { logging: { level: 'silent' as const } };

describe('ai.embed', () => {
  const sims: SimulatedProvider[] = [];
  let ai: FlexiAI | undefined;
  afterEach(async () => {
    await ai?.close();
    ai = undefined;
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });
  const sim = async (wire: 'openai' | 'gemini', name: string) => {
    const s = await createSimulatedProvider({ wire, apiKey: KEY, name });
    sims.push(s);
    return s;
  };
  const client = (config: Omit<FlexiAIConfigInput, 'logging'>) => {
    ai = new FlexiAI({ ...quiet, ...config }, { env: false });
    return ai;
  };

  it.each([
    ['openai', 'openai'],
    ['openai-compatible', 'openai'],
    ['gemini', 'gemini'],
    ['vertexai', 'gemini'],
  ] as const)('embeds through the %s simulator, vectors in input order', async (type, wire) => {
    const s = await sim(wire, 'p');
    const base =
      type === 'openai' || type === 'openai-compatible'
        ? { baseURL: s.baseURL, apiKey: KEY }
        : type === 'gemini'
          ? { baseURL: s.url, apiKey: KEY }
          : { baseURL: s.url, accessToken: KEY, project: 'proj', location: 'us-central1' };
    const embeddingModel = type === 'vertexai' ? 'text-embedding-005' : 'embed-model';
    const c = client({
      providers: [
        { name: 'p', type, model: 'chat-model', embeddingModel, embeddingDimensions: 24, ...base },
      ],
    } as FlexiAIConfigInput);
    const res = await c.embed({ input: ['one', 'two', 'three'] });
    expect(res.embeddings).toHaveLength(3);
    ['one', 'two', 'three'].forEach((text, i) =>
      res.embeddings[i]?.forEach((v, j) =>
        expect(v).toBeCloseTo(simEmbedding(text, 24)[j] ?? 0, 5),
      ),
    );
    expect(res).toMatchObject({ provider: 'p', model: expect.any(String) });
    expect(res.usage.promptTokens).toBeGreaterThan(0);
    expect(res.attempts).toMatchObject([{ provider: 'p', model: embeddingModel, ok: true }]);
    expect(s.embedCalls).toBe(1);
    expect(s.chatCalls).toBe(0);
    const one = await c.embed({ input: 'solo' });
    expect(one.embeddings).toHaveLength(1);
  });

  it('fails over to a provider serving the same model and dimensions, with embed events', async () => {
    const [a, b] = [await sim('openai', 'a'), await sim('openai', 'b')];
    a.enqueue(fault.status(503));
    const c = client({
      providers: [
        {
          name: 'a',
          type: 'openai',
          model: 'm',
          apiKey: KEY,
          baseURL: a.baseURL,
          embeddingModel: 'e1',
          embeddingDimensions: 8,
        },
        {
          name: 'b',
          type: 'openai',
          model: 'm',
          apiKey: KEY,
          baseURL: b.baseURL,
          embeddingModel: 'e1',
          embeddingDimensions: 8,
        },
      ],
      retry: { maxAttempts: 1 },
    });
    const attempts: AttemptEvent[] = [];
    const requests: RequestEvent[] = [];
    c.on('attempt', (e) => attempts.push(e));
    c.on('request', (e) => requests.push(e));
    const res = await c.embed({ input: ['x', 'y'] });
    expect(res.provider).toBe('b');
    expect(res.embeddings[1]).toHaveLength(8);
    expect([a.embedCalls, b.embedCalls]).toEqual([1, 1]);
    expect(attempts.map((e) => [e.operation, e.provider, e.outcome])).toEqual([
      ['embed', 'a', 'error'],
      ['embed', 'b', 'ok'],
    ]);
    expect(requests).toMatchObject([
      { operation: 'embed', ok: true, provider: 'b', failedOver: true },
    ]);
  });

  it('never fails over to a provider of another embedding model', async () => {
    const [a, b] = [await sim('openai', 'a'), await sim('openai', 'b')];
    a.enqueue(fault.status(503));
    const c = client({
      providers: [
        {
          name: 'a',
          type: 'openai',
          model: 'm',
          apiKey: KEY,
          baseURL: a.baseURL,
          embeddingModel: 'e1',
        },
        {
          name: 'b',
          type: 'openai',
          model: 'm',
          apiKey: KEY,
          baseURL: b.baseURL,
          embeddingModel: 'e2',
        },
      ],
      retry: { maxAttempts: 1 },
    });
    await expect(c.embed({ input: 'x' })).rejects.toMatchObject({ code: 'all_providers_failed' });
    expect(b.embedCalls).toBe(0);
    // Naming the other model reaches it.
    const res = await c.embed({ input: 'x', model: 'e2' });
    expect(res.provider).toBe('b');
  });

  it('splits large inputs into calls of at most the per-call limit and keeps the order', async () => {
    const s = await sim('gemini', 'g');
    const c = client({
      providers: [
        {
          name: 'g',
          type: 'gemini',
          model: 'gemini-2.5-flash',
          apiKey: KEY,
          baseURL: s.url,
          embeddingModel: 'gemini-embedding-001',
          embeddingDimensions: 4,
        },
      ],
    });
    const texts = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const res = await c.embed({ input: texts });
    expect(s.embedCalls).toBe(3); // 100 + 100 + 50
    const sizes = s.requests.map((r) => (r.body as { requests: unknown[] }).requests.length);
    expect(sizes.sort((x, y) => x - y)).toEqual([50, 100, 100]);
    texts.forEach((text, i) =>
      res.embeddings[i]?.forEach((v, j) => expect(v).toBeCloseTo(simEmbedding(text, 4)[j] ?? 0, 5)),
    );
    expect(res.attempts).toHaveLength(3);
  });

  it('refuses before any call: no embedding provider, bad input', async () => {
    const s = await sim('openai', 'a');
    const c = client({
      providers: [{ name: 'a', type: 'openai', model: 'm', apiKey: KEY, baseURL: s.baseURL }],
    });
    await expect(c.embed({ input: 'x' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(c.embed({ input: [] })).rejects.toBeInstanceOf(ValidationError);
    await expect(c.embed({ input: [''] })).rejects.toMatchObject({
      issues: [{ path: 'input.0' }],
    });
    expect(s.requests).toHaveLength(0);
  });

  it('an Anthropic-only route cannot embed: a clear error, no call', async () => {
    const s = await sim('openai', 'a');
    const c = client({
      providers: [
        { name: 'claude', type: 'anthropic', model: 'claude-x', apiKey: KEY, baseURL: s.url },
        {
          name: 'oai',
          type: 'openai',
          model: 'm',
          apiKey: KEY,
          baseURL: s.baseURL,
          embeddingModel: 'e1',
        },
      ],
      routes: { chat: ['claude'] },
    });
    await expect(c.embed({ input: 'x', model: 'chat' })).rejects.toThrow(
      /Anthropic has no embeddings API/,
    );
    expect(s.requests).toHaveLength(0);
  });
});

describe('embedding configuration', () => {
  const provider = (name: string, extra: Record<string, unknown>) => ({
    name,
    type: 'openai' as const,
    model: 'm',
    apiKey: KEY,
    ...extra,
  });

  it('rejects a route mixing embedding dimensions, naming the field path', () => {
    expect(
      () =>
        new FlexiAI(
          {
            ...quiet,
            providers: [
              provider('a', { embeddingModel: 'e1', embeddingDimensions: 256 }),
              provider('b', { embeddingModel: 'e1', embeddingDimensions: 1536 }),
            ],
            routes: { embed: ['a', 'b'] },
          },
          { env: false },
        ),
    ).toThrow(/routes\.embed\.1: embeds with e1 \(1536 dimensions\)/);
  });

  it('rejects a route mixing embedding models', () => {
    expect(
      () =>
        new FlexiAI(
          {
            ...quiet,
            providers: [
              provider('a', { embeddingModel: 'e1' }),
              provider('b', { embeddingModel: 'e2' }),
            ],
            routes: { r: ['a', 'b'] },
          },
          { env: false },
        ),
    ).toThrow(ConfigurationError);
  });

  it('rejects an embedding model on Anthropic, and dimensions without a model', () => {
    expect(
      () =>
        new FlexiAI(
          {
            ...quiet,
            providers: [
              { name: 'c', type: 'anthropic', model: 'x', apiKey: KEY, embeddingModel: 'e' },
              provider('a', { embeddingDimensions: 8 }),
            ],
          },
          { env: false },
        ),
    ).toThrow(
      /providers\.0\.embeddingModel: Anthropic has no embeddings API[\s\S]*providers\.1\.embeddingDimensions/,
    );
  });
});
