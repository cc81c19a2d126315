import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../src/types/request.js';
import { createFleet, type Fleet } from './helpers/sim-fleet.js';

const PDF = Buffer.from('%PDF-1.4 sim').toString('base64');

/** A request carrying every field some provider cannot honour. */
const everything: ChatRequest = {
  messages: [
    {
      role: 'system',
      content: [{ type: 'text', text: 'Cached context', cacheControl: { type: 'ephemeral' } }],
    },
    { role: 'user', content: 'Hi' },
  ],
  logitBias: { '42': 5 },
  serviceTier: 'priority',
  promptCacheKey: 'k',
  safetyIdentifier: 'user-hash',
  verbosity: 'low',
};

describe('what each provider type can take', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());
  const sent = (i = 0) => fleet.sims[i]?.requests.at(-1)?.body as Record<string, unknown>;

  it('openai-compatible: sends logit_bias and reasoning_effort, drops and names OpenAI-only fields (stream too)', async () => {
    fleet = await createFleet(['openai-compatible']);
    const res = await fleet.ai.chatCompletion({ ...everything, reasoning: { effort: 'low' } });
    expect(sent()).toMatchObject({ logit_bias: { '42': 5 }, reasoning_effort: 'low' });
    for (const field of ['service_tier', 'prompt_cache_key', 'safety_identifier', 'verbosity'])
      expect(sent()).not.toHaveProperty(field);
    expect(res.droppedParams).toEqual([
      'serviceTier',
      'promptCacheKey',
      'safetyIdentifier',
      'verbosity',
      'cacheControl',
    ]);
    const streamed = await fleet.ai.chatCompletionStream(everything).finalResponse();
    expect(streamed.droppedParams).toEqual(res.droppedParams);
  });

  it('openai: sends every OpenAI field as its wire field, and a PDF as a file part', async () => {
    fleet = await createFleet(['openai']);
    const res = await fleet.ai.chatCompletion({
      ...everything,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Read' },
            { type: 'file', data: PDF, mediaType: 'application/pdf', filename: 'a.pdf' },
          ],
        },
      ],
    });
    expect(sent()).toMatchObject({
      logit_bias: { '42': 5 },
      service_tier: 'priority',
      prompt_cache_key: 'k',
      safety_identifier: 'user-hash',
      verbosity: 'low',
    });
    expect((sent().messages as { content: unknown[] }[])[0]?.content[1]).toEqual({
      type: 'file',
      file: { filename: 'a.pdf', file_data: `data:application/pdf;base64,${PDF}` },
    });
    expect(res.droppedParams).toBeUndefined();
  });

  it('gemini: a PDF as inlineData; OpenAI-only fields and cacheControl dropped and named (stream too)', async () => {
    fleet = await createFleet(['gemini']);
    const request: ChatRequest = {
      ...everything,
      messages: [
        ...everything.messages,
        { role: 'user', content: [{ type: 'file', data: PDF, mediaType: 'application/pdf' }] },
      ],
    };
    const res = await fleet.ai.chatCompletion(request);
    const contents = sent().contents as { parts: unknown[] }[];
    expect(contents.at(-1)?.parts).toContainEqual({
      inlineData: { mimeType: 'application/pdf', data: PDF },
    });
    expect(JSON.stringify(sent())).not.toMatch(/logit|tier|cache_?control/i);
    expect(res.droppedParams).toEqual([
      'logitBias',
      'serviceTier',
      'promptCacheKey',
      'safetyIdentifier',
      'verbosity',
      'cacheControl',
    ]);
    const streamed = await fleet.ai.chatCompletionStream(request).finalResponse();
    expect(streamed.droppedParams).toEqual(res.droppedParams);
  });

  it('strictParams: refuses before any call, naming the provider and the fields', async () => {
    fleet = await createFleet(['openai', 'gemini']);
    await expect(fleet.ai.chatCompletion({ ...everything, strictParams: true })).rejects.toThrow(
      /b \(gemini\) cannot honour logitBias, serviceTier, promptCacheKey, safetyIdentifier, verbosity, cacheControl/,
    );
    expect(() => fleet.ai.chatCompletionStream({ ...everything, strictParams: true })).toThrow(
      /cannot honour/,
    );
    expect(fleet.sims.map((sim) => sim.chatCalls)).toEqual([0, 0]);
  });

  it('file parts: providers that cannot read them are left out of the route; none left is a 400 naming them', async () => {
    fleet = await createFleet(['openai-compatible', 'anthropic']);
    const withPdf: ChatRequest = {
      messages: [
        { role: 'user', content: [{ type: 'file', data: PDF, mediaType: 'application/pdf' }] },
      ],
    };
    const res = await fleet.ai.chatCompletion(withPdf);
    expect(res.provider).toBe('b');
    expect(fleet.sims.map((sim) => sim.chatCalls)).toEqual([0, 1]);
    await expect(fleet.ai.chatCompletion({ ...withPdf, model: 'a' })).rejects.toThrow(
      /no provider of model "a" can take file \(PDF\) parts: a \(openai-compatible\)/,
    );
    expect(fleet.sims.map((sim) => sim.chatCalls)).toEqual([0, 1]);
  });
});
