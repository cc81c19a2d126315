import { OpenAIEmbeddings } from '@langchain/openai';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { FlexiAI } from '../src/client/flexiai.js';
import type { FlexiAIConfigInput } from '../src/config/config-schema.js';
import { fault } from '../src/testing/faults.js';
import { simEmbedding } from '../src/testing/sim-wire.js';
import { CANARY, expectNoCanary } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';

/** Both simulated providers serve the same embedding model and dimensions. */
const withEmbeddings = (config: FlexiAIConfigInput): FlexiAIConfigInput => ({
  ...config,
  providers: config.providers.map((p) => ({
    ...p,
    embeddingModel: 'text-embedding-3-small',
    embeddingDimensions: 32,
  })),
  routes: { embed: ['a', 'b'] },
  retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 1 },
});

const expectVector = (actual: readonly number[] | undefined, text: string, dims = 32) => {
  const expected = simEmbedding(text, dims);
  expect(actual).toHaveLength(dims);
  actual?.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? NaN, 5));
};

describe('gateway POST /v1/embeddings', () => {
  let fx: GatewayFixture;
  afterEach(() => fx.close());

  it('serves the official openai SDK, base64 (its default) and float', async () => {
    fx = await startGatewayFixture(withEmbeddings);
    const openai = new OpenAI({ baseURL: `${fx.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
    const res = await openai.embeddings.create({ model: 'embed', input: ['alpha', 'beta'] });
    expect(res.object).toBe('list');
    expect(res.model).toBe('text-embedding-3-small');
    expectVector(res.data[0]?.embedding, 'alpha');
    expectVector(res.data[1]?.embedding, 'beta');
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    const floats = await openai.embeddings
      .create({ model: 'embed', input: 'gamma', encoding_format: 'float' })
      .withResponse();
    expectVector(floats.data.data[0]?.embedding, 'gamma');
    expect(floats.response.headers.get('x-flexiai-provider')).toBe('a');
    expect(fx.sims.map((s) => s.embedCalls)).toEqual([2, 0]);
  });

  it('serves LangChain OpenAIEmbeddings (embedDocuments and embedQuery)', async () => {
    fx = await startGatewayFixture(withEmbeddings);
    const embeddings = new OpenAIEmbeddings({
      model: 'text-embedding-3-small',
      apiKey: CANARY.gateway,
      configuration: { baseURL: `${fx.url}/v1` },
      maxRetries: 0,
    });
    const docs = await embeddings.embedDocuments(['one', 'two', 'three']);
    expect(docs).toHaveLength(3);
    expectVector(docs[2], 'three');
    expectVector(await embeddings.embedQuery('query'), 'query');
  });

  it('fails over between two providers of the same model', async () => {
    fx = await startGatewayFixture(withEmbeddings);
    fx.sims[0]?.enqueue(fault.status(500, { message: `upstream echoes ${CANARY.compatible}` }));
    const response = await fetch(`${fx.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed', input: 'x' }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-flexiai-provider')).toBe('b');
    expect(response.headers.get('x-flexiai-attempt-path')).toBe('a:500,b:ok');
    expect(fx.sims.map((s) => s.embedCalls)).toEqual([1, 1]);
    expectVector((JSON.parse(text) as { data: { embedding: number[] }[] }).data[0]?.embedding, 'x');
    expectNoCanary(text);
    expectNoCanary(fx.log.text());
  });

  it('refuses bad input with a 400 naming the field, before any upstream call', async () => {
    fx = await startGatewayFixture(withEmbeddings);
    for (const body of [
      { input: [1, 2, 3] },
      { input: [] },
      { input: 'x', encoding_format: 'hex' },
    ]) {
      const response = await fetch(`${fx.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CANARY.gateway}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      const json = (await response.json()) as { error: { code: string; param: string | null } };
      expect(json.error.code).toBe('invalid_request');
    }
    expect(fx.sims.map((s) => s.requests.length)).toEqual([0, 0]);
  });

  it('answers 400 when the route has no embedding provider', async () => {
    fx = await startGatewayFixture();
    const openai = new OpenAI({ baseURL: `${fx.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
    await expect(openai.embeddings.create({ model: 'a', input: 'x' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('a configuration mixing dimensions in one route is rejected', () => {
    expect(
      () =>
        new FlexiAI(
          {
            providers: [
              {
                name: 'a',
                type: 'openai',
                model: 'm',
                apiKey: 'k',
                embeddingModel: 'e',
                embeddingDimensions: 256,
              },
              {
                name: 'b',
                type: 'openai',
                model: 'm',
                apiKey: 'k',
                embeddingModel: 'e',
                embeddingDimensions: 512,
              },
            ],
            routes: { embed: ['a', 'b'] },
            logging: { level: 'silent' },
          },
          { env: false },
        ),
    ).toThrow(/routes\.embed\.1/);
  });
});
