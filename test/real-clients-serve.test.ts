import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fault } from '../src/testing/faults.js';
import {
  createSimulatedProvider,
  type SimulatedProvider,
} from '../src/testing/simulated-provider.js';
import { CANARY } from './helpers/canary.js';
import { startServe, type ServeProcess } from './helpers/run-cli.js';

/**
 * The clients against a real `flexiai serve` process: its embedded default (no config, no keys),
 * and a configuration failing over from an OpenAI-compatible primary to Anthropic.
 */
describe('real clients against `flexiai serve` (real processes)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexiai-serve-clients-'));
  });

  it('the embedded default serves openai responses.create (plain, streamed), models.retrieve and the AI SDK', async () => {
    const serve = await startServe(['--port', '0'], { cwd: dir });
    try {
      const sdk = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      await expect(sdk.models.retrieve('default')).resolves.toMatchObject({ id: 'default' });
      const plain = await sdk.responses.create({ model: 'default', input: 'Hello' });
      expect(plain.output_text).toBe('(sim-openai) You said: Hello');
      const stream = await sdk.responses.create({ model: 'default', input: 'Hi', stream: true });
      const types: string[] = [];
      for await (const event of stream) types.push(event.type);
      expect(types.at(-1)).toBe('response.completed');
      const ai = createOpenAI({ baseURL: `${serve.url}/v1`, apiKey: 'unused' });
      const text = await generateText({ model: ai('default'), prompt: 'AI SDK', maxRetries: 0 });
      expect(text.text).toBe('(sim-openai) You said: AI SDK');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  describe('with a primary failing over to Anthropic', () => {
    let primary: SimulatedProvider;
    let claude: SimulatedProvider;
    let serve: ServeProcess;
    let baseURL: string;

    beforeAll(async () => {
      primary = await createSimulatedProvider({ name: 'primary', apiKey: CANARY.compatible });
      claude = await createSimulatedProvider({
        name: 'claude',
        wire: 'anthropic',
        apiKey: CANARY.anthropic,
      });
      const config = join(dir, 'failover.yaml');
      await writeFile(
        config,
        [
          'providers:',
          `  - { name: primary, type: openai-compatible, baseURL: ${primary.baseURL}, apiKey: ${CANARY.compatible}, model: m }`,
          `  - { name: claude, type: anthropic, baseURL: ${claude.baseURL}, apiKey: ${CANARY.anthropic}, model: claude-x }`,
          'retry: { initialDelayMs: 1, maxDelayMs: 5 }',
          'server: { port: 0 }',
          'logging: { level: warn }',
          '',
        ].join('\n'),
      );
      serve = await startServe(['--config', config]);
      baseURL = `${serve.url}/v1`;
    });
    afterAll(async () => {
      expect(await serve.stop()).toBe(0);
      await primary.close();
      await claude.close();
    });
    beforeEach(() => {
      primary.reset();
      claude.reset();
      // Every call to the primary fails; the breaker may open, which is fine: claude serves.
      primary.setDefault(fault.status(503));
    });

    it('openai SDK: chat, responses plain and streamed are served by Anthropic', async () => {
      const sdk = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0 });
      const chat = await sdk.chat.completions.create({
        model: 'default',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(chat.choices[0]?.message.content).toBe('(claude) You said: Hi');
      const plain = await sdk.responses.create({ model: 'default', input: 'Plain' });
      expect(plain.output_text).toBe('(claude) You said: Plain');
      const stream = await sdk.responses.create({ model: 'default', input: 'S', stream: true });
      let text = '';
      for await (const event of stream)
        if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('(claude) You said: S');
      expect(claude.chatCalls).toBe(3);
    });

    it('AI SDK default (Responses) model and LangChain useResponsesApi are served by Anthropic', async () => {
      const ai = createOpenAI({ baseURL, apiKey: 'unused' });
      const streamed = streamText({ model: ai('default'), prompt: 'AI', maxRetries: 0 });
      let out = '';
      for await (const delta of streamed.textStream) out += delta;
      expect(out).toBe('(claude) You said: AI');
      const lc = new ChatOpenAI({
        model: 'default',
        apiKey: 'unused',
        configuration: { baseURL },
        maxRetries: 0,
        useResponsesApi: true,
      });
      expect((await lc.invoke('LC')).text).toBe('(claude) You said: LC');
      expect(claude.chatCalls).toBe(2);
    });
  });
});
