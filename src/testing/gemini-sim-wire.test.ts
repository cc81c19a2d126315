import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from './faults.js';
import { createSimulatedProvider, type SimulatedProvider } from './simulated-provider.js';

const KEY = 'AIza.SimTestKey0123456789abcdefABCDEFGHIJ';
const TOKEN = 'ya29.simulator-static-token-0123456789';

/** The official @google/genai SDK must parse everything the simulated Gemini wire sends. */
describe('simulated Gemini wire, read by the official @google/genai SDK (Gemini API mode)', () => {
  let sim: SimulatedProvider;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ wire: 'gemini', apiKey: KEY, name: 'sim' });
    ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: sim.url } });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('parses a generateContent response, usage included', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'ping',
      config: { systemInstruction: 'Be brief.', temperature: 0.1 },
    });
    expect(response.text).toBe('(sim) You said: ping');
    expect(response.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(response.responseId).toMatch(/^chatcmpl-sim-/);
    const sent = sim.requests[0];
    expect(sent?.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(KEY);
    expect(sent?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'ping' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.1 },
    });
  });

  it('parses function calls', async () => {
    sim.enqueue(
      fault.ok({
        toolCalls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'lookup', arguments: '{"city":"Paris"}' },
          },
          { id: 'c2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      }),
    );
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'weather?',
      config: {
        tools: [{ functionDeclarations: [{ name: 'lookup' }, { name: 'time' }] }],
      },
    });
    expect(response.functionCalls).toEqual([
      { name: 'lookup', args: { city: 'Paris' } },
      { name: 'time', args: {} },
    ]);
  });

  it('streams through generateContentStream, text, function calls and usage', async () => {
    sim.enqueue(
      fault.ok({
        content: 'Hello wide world',
        chunkChars: 3,
        toolCalls: [
          { id: 'c9', type: 'function', function: { name: 'g', arguments: '{"q":"x"}' } },
        ],
      }),
    );
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'hi',
    });
    let text = '';
    const calls: unknown[] = [];
    let finish: string | undefined;
    let total: number | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      calls.push(...(chunk.functionCalls ?? []));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
      total = chunk.usageMetadata?.totalTokenCount ?? total;
    }
    expect(text).toBe('Hello wide world');
    expect(calls).toEqual([{ name: 'g', args: { q: 'x' } }]);
    expect(finish).toBe(FinishReason.STOP);
    expect(total).toBeGreaterThan(0);
    expect(sim.requests[0]?.url).toBe(
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it('reports a blocked prompt and a safety finish the way the SDK exposes them', async () => {
    sim.enqueue(
      fault.ok({ wireExtras: { blockReason: 'PROHIBITED_CONTENT' } }),
      fault.ok({ content: '', finishReason: 'content_filter' }),
    );
    const blocked = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(blocked.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
    expect(blocked.candidates).toBeUndefined();
    const filtered = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' });
    expect(filtered.candidates?.[0]?.finishReason).toBe(FinishReason.SAFETY);
    expect(filtered.candidates?.[0]?.safetyRatings?.[0]?.blocked).toBe(true);
  });

  it('sends errors the SDK raises as ApiError with their status', async () => {
    sim.enqueue(
      fault.status(429, { retryAfter: 3 }),
      fault.status(503),
      fault.status(400, { message: 'bad request' }),
    );
    const statuses: number[] = [];
    const messages: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const error = await ai.models
        .generateContent({ model: 'gemini-2.5-flash', contents: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      statuses.push((error as ApiError).status);
      messages.push((error as ApiError).message);
    }
    expect(statuses).toEqual([429, 503, 400]);
    expect(messages[0]).toContain('RESOURCE_EXHAUSTED');
    expect(messages[2]).toContain('bad request');
  });

  it('sends an in-stream error the SDK raises', async () => {
    sim.enqueue(fault.streamError(1, 'The model is overloaded.'));
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'x',
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain('overloaded');
  });

  it.each([
    ['an error event', () => fault.streamError(0, 'The model is overloaded.')],
    ['a cut', () => fault.streamCut(0)],
    ['a malformed event', () => ({ kind: 'stream-malformed' as const, afterChunks: 0 })],
  ])(
    'strikes with %s before the first text event: no chunk of the answer is sent',
    async (_n, f) => {
      sim.enqueue(f());
      const stream = await ai.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'x',
      });
      const texts: string[] = [];
      const error = await (async () => {
        for await (const chunk of stream) texts.push(chunk.text ?? '');
      })().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(texts).toEqual([]);
    },
  );

  it('refuses a wrong key and serves models.get', async () => {
    const wrong = new GoogleGenAI({ apiKey: 'AIza-wrong', httpOptions: { baseUrl: sim.url } });
    const error = await wrong.models.get({ model: 'gemini-2.5-flash' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    const model = await ai.models.get({ model: 'gemini-2.5-flash' });
    expect(model.name).toBe('models/gemini-2.5-flash');
  });
});

describe('simulated Gemini wire, read by @google/genai in Vertex AI mode', () => {
  let sim: SimulatedProvider;
  let ai: GoogleGenAI;

  beforeAll(async () => {
    sim = await createSimulatedProvider({ wire: 'gemini', apiKey: TOKEN, name: 'vertex-sim' });
    // A static token through google-auth-library's own client: no Google call is made.
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
    ai = new GoogleGenAI({
      vertexai: true,
      project: 'sim-project',
      location: 'us-central1',
      // v1, as FlexiAI calls it (the SDK's default is v1beta1, which the simulator serves too).
      apiVersion: 'v1',
      httpOptions: { baseUrl: sim.url },
      googleAuthOptions: { authClient },
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('calls the Vertex AI path with a bearer token and parses the answer', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hey',
    });
    expect(response.text).toBe('(vertex-sim) You said: hey');
    const sent = sim.requests[0];
    expect(sent?.url).toBe(
      '/v1/projects/sim-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(sent?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('streams on the Vertex AI path', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'stream me',
    });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('(vertex-sim) You said: stream me');
    expect(sim.requests[0]?.url).toBe(
      '/v1/projects/sim-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
  });

  it('serves countTokens (the Vertex health check of FlexiAI) and models.get', async () => {
    const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'ping' });
    expect(count.totalTokens).toBe(1);
    expect(sim.requests[0]?.url).toBe(
      '/v1/projects/sim-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens',
    );
    const model = await ai.models.get({ model: 'gemini-2.5-flash' });
    expect(model.name).toBe('models/gemini-2.5-flash');
    expect(sim.requests[1]?.url).toBe('/v1/publishers/google/models/gemini-2.5-flash');
  });
});
