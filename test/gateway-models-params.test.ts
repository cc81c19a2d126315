import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../src/gateway/start-gateway.js';
import { captureLogger } from './helpers/capture-logger.js';
import { CANARY } from './helpers/canary.js';
import { startGatewayFixture, type GatewayFixture } from './helpers/gateway-fixture.js';
import { createFleet, type Fleet } from './helpers/sim-fleet.js';

const PDF = `data:application/pdf;base64,${Buffer.from('%PDF-1.4 sim').toString('base64')}`;

describe('GET /v1/models and /v1/models/{id}', () => {
  let fx: GatewayFixture;
  let sdk: OpenAI;

  beforeAll(async () => {
    fx = await startGatewayFixture((config) => ({
      ...config,
      providers: config.providers.map((p, i) => (i === 1 ? { ...p, models: ['extra-model'] } : p)),
      routes: { fast: ['b', 'a'] },
    }));
    sdk = new OpenAI({ baseURL: `${fx.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
  });
  afterAll(() => fx.close());

  it('lists exactly what the router accepts, providers’ extra models included, and each one works', async () => {
    const list = await sdk.models.list();
    const ids = list.data.map((m) => m.id).sort();
    expect(ids).toEqual(['a', 'b', 'default', 'extra-model', 'fast', 'model-a', 'model-b'].sort());
    for (const id of ids) {
      const res = await sdk.chat.completions.create({
        model: id,
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(res.choices[0]?.message.content).toContain('You said');
    }
  });

  it('retrieves a known id, a provider/model id, and 404s an unknown one in the OpenAI error shape', async () => {
    await expect(sdk.models.retrieve('default')).resolves.toMatchObject({
      id: 'default',
      object: 'model',
      owned_by: 'flexiai',
    });
    await expect(sdk.models.retrieve('extra-model')).resolves.toMatchObject({ id: 'extra-model' });
    await expect(sdk.models.retrieve('a/some-model')).resolves.toMatchObject({
      id: 'a/some-model',
    });
    const error = await sdk.models.retrieve('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    const unknownProvider = await sdk.models.retrieve('zz/some-model').catch((e: unknown) => e);
    expect(unknownProvider).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('OpenAI fields a provider cannot honour', () => {
  let fleet: Fleet;
  let gateway: RunningGateway;
  let strictFleet: Fleet;
  let strictGateway: RunningGateway;
  let sdk: OpenAI;
  let strictSdk: OpenAI;

  beforeAll(async () => {
    // a: Anthropic, b: openai (in that priority).
    fleet = await createFleet(['anthropic', 'openai'], (c) => ({
      ...c,
      server: { port: 0, apiKeys: [CANARY.gateway] },
    }));
    gateway = await startGateway({ client: fleet.ai, logger: captureLogger('warn').logger });
    sdk = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CANARY.gateway, maxRetries: 0 });
    strictFleet = await createFleet(['anthropic', 'openai'], (c) => ({
      ...c,
      server: { port: 0, apiKeys: [CANARY.gateway], strictParams: true },
    }));
    strictGateway = await startGateway({
      client: strictFleet.ai,
      logger: captureLogger('warn').logger,
    });
    strictSdk = new OpenAI({
      baseURL: `${strictGateway.url}/v1`,
      apiKey: CANARY.gateway,
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await strictGateway.close();
    await fleet.close();
    await strictFleet.close();
  });
  beforeEach(() => {
    for (const f of [fleet, strictFleet]) {
      for (const sim of f.sims) sim.reset();
      f.ai.resetCircuitBreakers();
    }
  });

  const body = {
    model: 'default',
    messages: [
      {
        role: 'system' as const,
        content: [
          {
            type: 'text' as const,
            text: 'Long reusable context',
            cache_control: { type: 'ephemeral' },
          },
        ],
      },
      { role: 'user' as const, content: 'Hi' },
    ],
    logit_bias: { '50256': -100 },
    service_tier: 'flex',
    prompt_cache_key: 'tenant-1',
    seed: 7,
  } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

  it('drops them for the provider that cannot take them, names them in x-flexiai-dropped-params, and sends the rest', async () => {
    const { response } = await sdk.chat.completions.create(body).withResponse();
    expect(response.headers.get('x-flexiai-provider')).toBe('a');
    expect(response.headers.get('x-flexiai-dropped-params')).toBe(
      'seed, logit_bias, service_tier, prompt_cache_key',
    );
    const sent = fleet.sims[0]?.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty('logit_bias');
    expect(sent).not.toHaveProperty('service_tier');
    // cache_control reaches Anthropic on the system block.
    expect(sent.system).toEqual([
      { type: 'text', text: 'Long reusable context', cache_control: { type: 'ephemeral' } },
    ]);
  });

  it('sends them to OpenAI, which honours them, and drops cache_control there (named)', async () => {
    const { response } = await sdk.chat.completions.create({ ...body, model: 'b' }).withResponse();
    expect(response.headers.get('x-flexiai-dropped-params')).toBe('cache_control');
    const sent = fleet.sims[1]?.requests.at(-1)?.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      logit_bias: { '50256': -100 },
      service_tier: 'flex',
      prompt_cache_key: 'tenant-1',
      seed: 7,
    });
    expect(JSON.stringify(sent.messages)).not.toContain('cache_control');
  });

  it('sends no header when nothing was dropped', async () => {
    const { response } = await sdk.chat.completions
      .create({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-flexiai-dropped-params')).toBeNull();
  });

  it('names dropped fields in the header of a stream too', async () => {
    const { response, data } = await sdk.chat.completions
      .create({ ...body, stream: true })
      .withResponse();
    for await (const _ of data) void _;
    expect(response.headers.get('x-flexiai-dropped-params')).toContain('logit_bias');
  });

  it('with server.strictParams, refuses them with a 400 naming provider and fields, no upstream call', async () => {
    const error = await strictSdk.chat.completions.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/a \(anthropic\) cannot honour seed, logitBias/);
    expect(strictFleet.sims.every((sim) => sim.chatCalls === 0)).toBe(true);
    // Fields every provider of the route honours still pass.
    await expect(
      strictSdk.chat.completions.create({
        model: 'b',
        messages: [{ role: 'user', content: 'Hi' }],
        logit_bias: { '1': 1 },
      }),
    ).resolves.toBeTruthy();
  });

  it('accepts OpenAI fields no provider receives (prediction, web_search_options) and names them dropped', async () => {
    const extra = {
      model: 'default',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      prediction: { type: 'content' as const, content: 'Hi' },
      web_search_options: {},
    };
    const { response } = await sdk.chat.completions.create(extra).withResponse();
    expect(response.headers.get('x-flexiai-dropped-params')).toBe('prediction, web_search_options');
    const sent = JSON.stringify(fleet.sims[0]?.requests.at(-1)?.body);
    expect(sent).not.toMatch(/prediction|web_search/);
    const refused = await strictSdk.chat.completions.create(extra).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toMatch(/prediction/);
  });

  it('still refuses fields that are not OpenAI fields at all', async () => {
    const error = await sdk.chat.completions
      .create({
        ...body,
        not_an_openai_field: true,
      } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/not_an_openai_field/);
  });

  it('sends a PDF file part to Anthropic as a document block', async () => {
    await sdk.chat.completions.create({
      model: 'a',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Summarise' },
            { type: 'file', file: { file_data: PDF, filename: 'report.pdf' } },
          ],
        },
      ],
    });
    const sent = fleet.sims[0]?.requests.at(-1)?.body as { messages: { content: unknown }[] };
    expect(sent.messages[0]?.content).toEqual([
      { type: 'text', text: 'Summarise' },
      {
        type: 'document',
        source: { type: 'base64', media_type: 'application/pdf', data: PDF.split(',')[1] },
        title: 'report.pdf',
      },
    ]);
  });

  it('routes a file id past providers that cannot read it, and 400s naming them when none can', async () => {
    const fileMessage = {
      role: 'user' as const,
      content: [{ type: 'file' as const, file: { file_id: 'file-abc' } }],
    };
    const { response } = await sdk.chat.completions
      .create({ model: 'default', messages: [fileMessage] })
      .withResponse();
    expect(response.headers.get('x-flexiai-provider')).toBe('b');
    expect(fleet.sims[0]?.chatCalls).toBe(0);
    const sent = fleet.sims[1]?.requests.at(-1)?.body as { messages: { content: unknown }[] };
    expect(sent.messages[0]?.content).toEqual([{ type: 'file', file: { file_id: 'file-abc' } }]);

    const error = await sdk.chat.completions
      .create({ model: 'a', messages: [fileMessage] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/a \(anthropic\)/);
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });
});
