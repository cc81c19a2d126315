import { GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from './faults.js';
import { SIM_EMBEDDING_DIMENSIONS, simEmbedding } from './sim-wire.js';
import { createSimulatedProvider, type SimulatedProvider } from './simulated-provider.js';

const KEY = 'sk-test-simulator-embeddings-0123456789';

const close = (a: readonly number[] | undefined, b: readonly number[]) => {
  expect(a).toHaveLength(b.length);
  a?.forEach((v, i) => expect(v).toBeCloseTo(b[i] ?? NaN, 5));
};

describe('simulated embeddings, read by the official SDKs', () => {
  describe('OpenAI wire (openai.embeddings.create)', () => {
    let sim: SimulatedProvider;
    let client: OpenAI;
    beforeAll(async () => {
      sim = await createSimulatedProvider({ apiKey: KEY, name: 'sim' });
      client = new OpenAI({ baseURL: sim.baseURL, apiKey: KEY, maxRetries: 0 });
    });
    afterAll(() => sim.close());
    beforeEach(() => sim.reset());

    it('answers base64 (the SDK default) with deterministic unit vectors, in order', async () => {
      const res = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: ['alpha', 'beta'],
      });
      expect(sim.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
      expect(res.data.map((d) => d.index)).toEqual([0, 1]);
      close(res.data[0]?.embedding, simEmbedding('alpha'));
      close(res.data[1]?.embedding, simEmbedding('beta'));
      expect(res.data[0]?.embedding).toHaveLength(SIM_EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...(res.data[0]?.embedding ?? []))).toBeCloseTo(1, 5);
      expect(res.usage.prompt_tokens).toBeGreaterThan(0);
      expect(sim.embedCalls).toBe(1);
      expect(sim.chatCalls).toBe(0);
    });

    it('answers floats with the dimensions asked for', async () => {
      const res = await client.embeddings.create({
        model: 'text-embedding-3-small',
        input: 'alpha',
        dimensions: 40,
        encoding_format: 'float',
      });
      expect(res.data[0]?.embedding).toEqual(simEmbedding('alpha', 40));
    });

    it('applies scripted faults to embedding calls', async () => {
      sim.enqueue(fault.status(429, { retryAfter: 1 }));
      await expect(
        client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
      ).rejects.toMatchObject({ status: 429 });
    });
  });

  describe('Gemini API wire (@google/genai models.embedContent -> batchEmbedContents)', () => {
    let sim: SimulatedProvider;
    let ai: GoogleGenAI;
    beforeAll(async () => {
      sim = await createSimulatedProvider({ wire: 'gemini', apiKey: KEY, name: 'sim' });
      ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: sim.url } });
    });
    afterAll(() => sim.close());
    beforeEach(() => sim.reset());

    it('parses the vectors in order, with outputDimensionality', async () => {
      const res = await ai.models.embedContent({
        model: 'gemini-embedding-001',
        contents: ['alpha', 'beta'],
        config: { outputDimensionality: 24 },
      });
      expect(sim.requests[0]?.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
      expect(res.embeddings?.map((e) => e.values)).toEqual([
        simEmbedding('alpha', 24),
        simEmbedding('beta', 24),
      ]);
    });
  });

  describe('Vertex AI wire (@google/genai models.embedContent -> predict)', () => {
    let sim: SimulatedProvider;
    let ai: GoogleGenAI;
    const TOKEN = 'ya29.simulator-static-token-embeddings';
    beforeAll(async () => {
      sim = await createSimulatedProvider({ wire: 'gemini', apiKey: TOKEN, name: 'vertex-sim' });
      const authClient = new OAuth2Client();
      authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
      ai = new GoogleGenAI({
        vertexai: true,
        project: 'sim-project',
        location: 'us-central1',
        apiVersion: 'v1',
        httpOptions: { baseUrl: sim.url },
        googleAuthOptions: { authClient },
      });
    });
    afterAll(() => sim.close());
    beforeEach(() => sim.reset());

    it('parses predictions with their token statistics', async () => {
      const res = await ai.models.embedContent({
        model: 'text-embedding-005',
        contents: ['alpha', 'beta'],
      });
      expect(sim.requests[0]?.url).toBe(
        '/v1/projects/sim-project/locations/us-central1/publishers/google/models/text-embedding-005:predict',
      );
      expect(res.embeddings?.map((e) => e.values)).toEqual([
        simEmbedding('alpha'),
        simEmbedding('beta'),
      ]);
      expect(res.embeddings?.[0]?.statistics?.tokenCount).toBeGreaterThan(0);
    });
  });
});
