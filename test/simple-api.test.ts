import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlexiAI } from '../src/client/flexiai.js';
import { AllProvidersFailedError } from '../src/errors/all-providers-failed-error.js';
import { ChatFunctionError } from '../src/errors/chat-function-error.js';
import { ClientClosedError } from '../src/errors/client-closed-error.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { StreamInterruptedError } from '../src/errors/stream-interrupted-error.js';
import { ValidationError } from '../src/errors/validation-error.js';
import { silentLogger } from '../src/internal/logger.js';
import {
  ask,
  chat,
  clearGlobalClient,
  fn,
  getGlobalClient,
  prompt,
  setGlobalClient,
} from '../src/simple/index.js';
import { fault } from '../src/testing/faults.js';
import { errorSurface, expectNoCanary } from './helpers/canary.js';
import { createFleet, providerConfigFor, type Fleet } from './helpers/sim-fleet.js';

/** The messages the simulator at `i` received last. */
const lastBody = (fleet: Fleet, i = 0) =>
  fleet.sims[i]?.requests.at(-1)?.body as {
    model?: string;
    messages: { role: string; content: unknown }[];
    temperature?: number;
    max_tokens?: number;
  };

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('simple API', () => {
  let fleet: Fleet;
  afterEach(async () => {
    await clearGlobalClient();
    await fleet?.close();
  });

  describe('ai.ask', () => {
    it('sends one user message and gives the answer text', async () => {
      fleet = await createFleet(1);
      fleet.sims[0]?.enqueue(fault.ok({ content: 'Paris.' }));
      await expect(fleet.ai.ask('Capital of France?')).resolves.toBe('Paris.');
      expect(fleet.sims[0]?.chatCalls).toBe(1);
      expect(lastBody(fleet).messages).toEqual([{ role: 'user', content: 'Capital of France?' }]);
    });

    it('puts the system message first and passes model and sampling options through', async () => {
      fleet = await createFleet(2);
      await fleet.ai.ask('Hi', { system: 'Be terse.', model: 'b', temperature: 0.2, maxTokens: 9 });
      expect(fleet.sims[0]?.chatCalls).toBe(0);
      expect(lastBody(fleet, 1)).toMatchObject({
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'Hi' },
        ],
        temperature: 0.2,
        max_tokens: 9,
      });
    });

    it('takes messages as well as a string', async () => {
      fleet = await createFleet(1);
      const messages = [
        { role: 'user' as const, content: 'one' },
        { role: 'assistant' as const, content: 'two' },
        { role: 'user' as const, content: 'three' },
      ];
      await fleet.ai.ask(messages);
      expect(lastBody(fleet).messages).toEqual(messages);
    });

    it('refuses an empty prompt and unknown options before any call', async () => {
      fleet = await createFleet(1);
      await expect(fleet.ai.ask('  ')).rejects.toThrow(ValidationError);
      const error = await rejection(
        fleet.ai.ask('Hi', { temprature: 1 } as unknown as { temperature: number }),
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).message).toContain('temprature');
      expect(fleet.sims[0]?.chatCalls).toBe(0);
    });

    it('aborts with the signal', async () => {
      fleet = await createFleet(1);
      fleet.sims[0]?.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      const pending = fleet.ai.ask('Hi', { signal: controller.signal });
      await expect.poll(() => fleet.sims[0]?.chatCalls, { timeout: 10_000 }).toBe(1);
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    });

    it('gives the validated value with a schema', async () => {
      fleet = await createFleet(1);
      fleet.sims[0]?.enqueue(fault.ok({ content: '{"city":"Paris","population":2100000}' }));
      const city = await fleet.ai.ask('Biggest French city?', {
        schema: z.object({ city: z.string(), population: z.number() }),
      });
      expect(city).toEqual({ city: 'Paris', population: 2_100_000 });
    });
  });

  describe('ai.fn', () => {
    it('makes a plain function from a prompt builder, mapping its arguments', async () => {
      fleet = await createFleet(1);
      const translate = fleet.ai.fn(
        { system: 'You translate.' },
        (text: string, language: string) => `Translate into ${language}: ${text}`,
      );
      await expect(translate('hello', 'French')).resolves.toBe(
        '(a) You said: Translate into French: hello',
      );
      expect(lastBody(fleet).messages).toEqual([
        { role: 'system', content: 'You translate.' },
        { role: 'user', content: 'Translate into French: hello' },
      ]);
    });

    it('accepts async builders, messages, and per-call options that override the function options', async () => {
      fleet = await createFleet(2);
      const reply = fleet.ai.fn(
        { model: 'a', temperature: 0.1, system: 'S' },
        async (history: { role: 'user' | 'assistant'; content: string }[], creative: boolean) => {
          await new Promise((resolve) => setImmediate(resolve));
          return { messages: history, ...(creative ? { temperature: 1.5, model: 'b' } : {}) };
        },
      );
      await reply([{ role: 'user', content: 'x' }], false);
      expect(lastBody(fleet, 0)).toMatchObject({
        temperature: 0.1,
        messages: [
          { role: 'system', content: 'S' },
          { role: 'user', content: 'x' },
        ],
      });
      await reply([{ role: 'user', content: 'y' }], true);
      expect(fleet.sims[0]?.chatCalls).toBe(1);
      expect(lastBody(fleet, 1)).toMatchObject({ temperature: 1.5 });
    });

    it('streams text with stream: true, failing over before the first text', async () => {
      fleet = await createFleet(2);
      fleet.sims[0]?.enqueue(fault.status(503));
      fleet.sims[1]?.enqueue(fault.ok({ chunks: ['Once ', 'upon ', 'a time'] }));
      const story = fleet.ai.fn({ stream: true }, (topic: string) => `A story about ${topic}`);
      const parts: string[] = [];
      for await (const text of story('cats')) parts.push(text);
      expect(parts).toEqual(['Once ', 'upon ', 'a time']);
      expect(fleet.sims[0]?.requests.at(-1)?.stream).toBe(true);
      expect(fleet.sims[1]?.chatCalls).toBe(1);
    });

    it('does nothing until the stream is iterated, and breaking out ends the upstream request', async () => {
      fleet = await createFleet(1);
      const story = fleet.ai.fn({ stream: true }, () => 'tell');
      const iterable = story();
      expect(fleet.sims[0]?.chatCalls).toBe(0);
      fleet.sims[0]?.enqueue(
        fault.ok({ chunks: Array.from({ length: 50 }, (_, i) => `${i} `), chunkDelayMs: 20 }),
      );
      for await (const _text of iterable) break;
      expect(fleet.sims[0]?.chatCalls).toBe(1);
      await expect.poll(() => fleet.sims[0]?.openConnections, { timeout: 10_000 }).toBe(0);
    });

    it('ends a stream cut after output began with a ChatFunctionError over StreamInterruptedError', async () => {
      fleet = await createFleet(2);
      fleet.sims[0]?.enqueue({
        kind: 'stream-cut',
        afterChunks: 2,
        reply: { chunks: ['a', 'b', 'c', 'd'] },
      });
      const story = fleet.ai.fn({ stream: true, name: 'story' }, () => 'tell');
      const parts: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const text of story()) parts.push(text);
        })(),
      );
      expect(parts).toEqual(['a', 'b']);
      expect(ChatFunctionError.isInstance(error)).toBe(true);
      expect((error as ChatFunctionError).functionName).toBe('story');
      expect((error as ChatFunctionError).providers).toEqual(['a']);
      expect(StreamInterruptedError.isInstance((error as Error).cause)).toBe(true);
      expect(fleet.sims[1]?.chatCalls).toBe(0);
    });

    it('aborts with a signal given per call, combined with the function one', async () => {
      fleet = await createFleet(1);
      fleet.sims[0]?.setDefault({ kind: 'hang' });
      const functionWide = new AbortController();
      const slow = fleet.ai.fn(
        { name: 'slow', signal: functionWide.signal },
        (q: string, signal?: AbortSignal) => ({ prompt: q, signal }),
      );
      const perCall = new AbortController();
      const first = slow('one', perCall.signal);
      await expect.poll(() => fleet.sims[0]?.chatCalls, { timeout: 10_000 }).toBe(1);
      perCall.abort();
      await expect(first).rejects.toMatchObject({
        code: 'chat_function_failed',
        reason: 'aborted',
        functionName: 'slow',
      });
      const second = slow('two');
      await expect.poll(() => fleet.sims[0]?.chatCalls, { timeout: 10_000 }).toBe(2);
      functionWide.abort();
      await expect(second).rejects.toMatchObject({ reason: 'aborted' });
    });

    it('keeps this for builders written as methods', async () => {
      fleet = await createFleet(1);
      const helper = {
        prefix: 'Q:',
        ask: fleet.ai.fn({}, function (this: { prefix: string }, q: string) {
          return `${this.prefix} ${q}`;
        }),
      };
      await helper.ask('why');
      expect(lastBody(fleet).messages).toEqual([{ role: 'user', content: 'Q: why' }]);
    });
  });

  describe('errors keep their context', () => {
    it('names the function and every provider tried, with the original error as cause', async () => {
      fleet = await createFleet(['openai', 'anthropic'], (c) => ({
        ...c,
        retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
      }));
      fleet.sims[0]?.setDefault(fault.status(500));
      fleet.sims[1]?.setDefault(fault.status(529));
      const summarize = fleet.ai.fn({ name: 'summarize' }, (text: string) => `Sum up: ${text}`);
      const error = await rejection(summarize('long text'));
      expect(ChatFunctionError.isInstance(error)).toBe(true);
      const e = error as ChatFunctionError;
      expect(e.code).toBe('chat_function_failed');
      expect(e.reason).toBe('all_providers_failed');
      expect(e.functionName).toBe('summarize');
      expect(e.providers).toEqual(['a', 'b']);
      expect(e.attempts.map((a) => [a.provider, a.status])).toEqual([
        ['a', 500],
        ['b', 529],
      ]);
      expect(e.message).toMatch(
        /^summarize\(\) failed \(providers tried: a, b\): All providers failed/,
      );
      expect(AllProvidersFailedError.isInstance(e.cause)).toBe(true);
      expect(e.toJSON()).toMatchObject({
        code: 'chat_function_failed',
        functionName: 'summarize',
        providers: ['a', 'b'],
        cause: { code: 'all_providers_failed' },
      });
      expectNoCanary(errorSurface(e), 'ChatFunctionError');
    });

    it('names a decorated method as Class.method', async () => {
      fleet = await createFleet(1, (c) => ({ ...c, retry: { maxAttempts: 1 } }));
      fleet.sims[0]?.setDefault(fault.status(500));
      const ai = fleet.ai;
      class Support {
        @ai.chat()
        async reply(question: string): Promise<string> {
          return `Answer: ${question}`;
        }
        @ai.chat()
        static async faq(): Promise<string> {
          return 'FAQ';
        }
      }
      const error = await rejection(new Support().reply('x'));
      expect((error as ChatFunctionError).functionName).toBe('Support.reply');
      expect((error as ChatFunctionError).message).toContain('Support.reply() failed');
      expect((await rejection(Support.faq())) as ChatFunctionError).toMatchObject({
        functionName: 'Support.faq',
      });
    });

    it('refuses a bad prompt with a ValidationError (as cause) before any call', async () => {
      fleet = await createFleet(1);
      const broken = fleet.ai.fn({ name: 'broken' }, () => 42 as unknown as string);
      const empty = fleet.ai.fn({ name: 'empty' }, () => ({ prompt: '' }));
      const both = fleet.ai.fn({}, () => ({ prompt: 'a', messages: [] }) as unknown as string);
      for (const call of [broken(), empty(), both()]) {
        const error = await rejection(call);
        expect(ChatFunctionError.isInstance(error)).toBe(true);
        expect(ValidationError.isInstance((error as Error).cause)).toBe(true);
        expect((error as ValidationError).message).toMatch(/prompt/);
      }
      expect(fleet.sims[0]?.chatCalls).toBe(0);
    });

    it("passes the user's own errors (from the builder or method body) through untouched", async () => {
      fleet = await createFleet(1);
      const boom = new Error('my own bug');
      const build = fleet.ai.fn({}, async () => {
        throw boom;
      });
      await expect(build()).rejects.toBe(boom);
      const streamed = fleet.ai.fn({ stream: true }, async () => {
        throw boom;
      });
      const iterator = streamed()[Symbol.asyncIterator]();
      await expect(iterator.next()).rejects.toBe(boom);
      expect(fleet.sims[0]?.chatCalls).toBe(0);
    });

    it('refuses unknown options and stream with schema where they are written', async () => {
      fleet = await createFleet(1);
      const bad = { temprature: 1 } as unknown as { temperature: number };
      expect(() => fleet.ai.fn(bad, () => 'x')).toThrow(/temprature: is not an option/);
      expect(() => fleet.ai.chat(bad)).toThrow(ConfigurationError);
      const streamSchema = { stream: true, schema: z.string() } as unknown as { stream: true };
      expect(() => fleet.ai.fn(streamSchema, () => 'x')).toThrow(/cannot be combined with schema/);
      const notSchema = { schema: { name: 'string' } } as unknown as { schema: z.ZodString };
      expect(() => fleet.ai.fn(notSchema, () => 'x')).toThrow(/Standard Schema/);
    });
  });

  describe('@ai.chat decorator', () => {
    it('works with options, with no options, bare, on async and sync bodies', async () => {
      fleet = await createFleet(1);
      const ai = fleet.ai;
      class Assistant {
        constructor(private readonly tone: string) {}

        @ai.chat({ system: 'You are kind.', temperature: 0.3 })
        async greet(name: string): Promise<string> {
          return `Greet ${name} in a ${this.tone} tone`;
        }

        @ai.chat()
        empty(): Promise<string> {
          return prompt('sync body');
        }

        @ai.chat
        async bare(text: string): Promise<string> {
          return text;
        }
      }
      const assistant = new Assistant('warm');
      await expect(assistant.greet('Ann')).resolves.toBe('(a) You said: Greet Ann in a warm tone');
      expect(lastBody(fleet)).toMatchObject({
        temperature: 0.3,
        messages: [
          { role: 'system', content: 'You are kind.' },
          { role: 'user', content: 'Greet Ann in a warm tone' },
        ],
      });
      await expect(assistant.empty()).resolves.toBe('(a) You said: sync body');
      await expect(assistant.bare('plain')).resolves.toBe('(a) You said: plain');
      expect(fleet.sims[0]?.chatCalls).toBe(3);
      expect(Assistant.prototype.greet.name).toBe('greet');
    });

    it('returns messages, streams, and validated objects', async () => {
      fleet = await createFleet(1);
      const ai = fleet.ai;
      const Person = z.object({ name: z.string(), age: z.number().int() });
      class Bot {
        @ai.chat()
        async converse(
          history: { role: 'user' | 'assistant'; content: string }[],
        ): Promise<string> {
          return prompt(history);
        }

        @ai.chat({ stream: true })
        story(topic: string): AsyncIterable<string> {
          return prompt(`About ${topic}`);
        }

        @ai.chat({ schema: Person })
        async person(text: string): Promise<z.infer<typeof Person>> {
          return prompt({ prompt: `Extract the person: ${text}`, temperature: 0 });
        }
      }
      const bot = new Bot();
      await bot.converse([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ]);
      expect(lastBody(fleet).messages).toHaveLength(3);

      fleet.sims[0]?.enqueue(fault.ok({ chunks: ['x', 'y'] }));
      const parts: string[] = [];
      for await (const text of bot.story('dogs')) parts.push(text);
      expect(parts).toEqual(['x', 'y']);

      fleet.sims[0]?.enqueue(fault.ok({ content: '{"name":"Ann","age":31}' }));
      await expect(bot.person('Ann is 31')).resolves.toEqual({ name: 'Ann', age: 31 });
      expect(lastBody(fleet)).toMatchObject({ temperature: 0 });
      expect(fleet.sims[0]?.chatCalls).toBe(3);
    });

    it('refuses to decorate anything but a method', async () => {
      fleet = await createFleet(1);
      const decorator = fleet.ai.chat() as unknown as (t: unknown, c: unknown) => unknown;
      expect(() => decorator(() => 'x', { kind: 'field', name: 'x' })).toThrow(
        /decorates class methods, not a field/,
      );
      expect(() => decorator(() => 'x', undefined)).toThrow(/experimentalDecorators/);
    });
  });

  describe('custom instance', () => {
    it('each client serves its own decorators and functions', async () => {
      fleet = await createFleet(1);
      const other = await createFleet(1);
      try {
        const first = fleet.ai;
        const second = other.ai;
        class Two {
          @first.chat()
          async one(): Promise<string> {
            return 'to first';
          }
          @second.chat()
          async two(): Promise<string> {
            return 'to second';
          }
        }
        const two = new Two();
        await two.one();
        await two.two();
        await two.two();
        expect(fleet.sims[0]?.chatCalls).toBe(1);
        expect(other.sims[0]?.chatCalls).toBe(2);
      } finally {
        await other.close();
      }
    });
  });

  describe('global client', () => {
    it('gives a clear error, before any call, when none is set', async () => {
      fleet = await createFleet(1);
      expect(getGlobalClient()).toBeUndefined();
      const error = await rejection(ask('Hi'));
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /FlexiAI\.setGlobalConfig\(config\) or setGlobalClient\(ai\)/,
      );
      class Late {
        @chat()
        async hi(): Promise<string> {
          return 'hi';
        }
      }
      const wrapped = await rejection(new Late().hi());
      expect(ConfigurationError.isInstance((wrapped as Error).cause)).toBe(true);
      expect(fleet.sims[0]?.chatCalls).toBe(0);
    });

    it('chat, ask and fn use the global client, looked up at call time', async () => {
      fleet = await createFleet(1);
      class Early {
        @chat({ system: 'S' })
        async hi(name: string): Promise<string> {
          return `hi ${name}`;
        }
      }
      const shout = fn({}, (text: string) => text.toUpperCase());
      FlexiAI.setGlobalClient(fleet.ai);
      expect(getGlobalClient()).toBe(fleet.ai);
      await expect(new Early().hi('Bo')).resolves.toBe('(a) You said: hi Bo');
      await expect(ask('plain')).resolves.toBe('(a) You said: plain');
      await expect(shout('quiet')).resolves.toBe('(a) You said: QUIET');
      expect(fleet.sims[0]?.chatCalls).toBe(3);
    });

    it('per-call options beat decorator options, which beat the global defaults', async () => {
      fleet = await createFleet(3);
      setGlobalClient(fleet.ai, { model: 'a', system: 'global system', temperature: 0.9 });
      class Layers {
        @chat()
        async inherits(): Promise<string> {
          return 'q';
        }
        @chat({ model: 'b', system: 'decorator system' })
        async local(): Promise<string> {
          return 'q';
        }
        @chat({ model: 'b', system: 'decorator system' })
        async perCall(): Promise<string> {
          return prompt({ prompt: 'q', model: 'c', temperature: 0.1 });
        }
      }
      const layers = new Layers();
      await layers.inherits();
      expect(lastBody(fleet, 0)).toMatchObject({
        temperature: 0.9,
        messages: [{ role: 'system', content: 'global system' }, { role: 'user' }],
      });
      await layers.local();
      expect(lastBody(fleet, 1)).toMatchObject({
        temperature: 0.9,
        messages: [{ role: 'system', content: 'decorator system' }, { role: 'user' }],
      });
      await layers.perCall();
      expect(lastBody(fleet, 2)).toMatchObject({
        temperature: 0.1,
        messages: [{ role: 'system', content: 'decorator system' }, { role: 'user' }],
      });
      await ask('q', { temperature: 0.5 });
      expect(lastBody(fleet, 0)).toMatchObject({ temperature: 0.5 });
      expect(fleet.sims.map((s) => s.chatCalls)).toEqual([2, 1, 1]);
    });

    it('setGlobalConfig makes a client, and closes the one it made when replaced', async () => {
      fleet = await createFleet(1);
      const config = { providers: [providerConfigFor('openai-compatible', 'g', fleet.sims[0]!)] };
      const first = FlexiAI.setGlobalConfig(
        config,
        { system: 'G' },
        { logger: silentLogger, env: false },
      );
      await expect(ask('one')).resolves.toBe('(a) You said: one');
      expect(lastBody(fleet).messages[0]).toEqual({ role: 'system', content: 'G' });
      const second = FlexiAI.setGlobalConfig(config, undefined, {
        logger: silentLogger,
        env: false,
      });
      // The replaced client was made by setGlobalConfig: it is closed (at once; its sockets later).
      await expect(first.ask('x')).rejects.toThrow(ClientClosedError);
      await ask('two');
      expect(getGlobalClient()).toBe(second);
      await clearGlobalClient();
      await expect(second.ask('three')).rejects.toThrow(/closed/);
      expect(() => FlexiAI.setGlobalConfig({ providers: 'nope' } as never)).toThrow(
        ConfigurationError,
      );
      expect(() => setGlobalClient({} as FlexiAI)).toThrow(/expected a FlexiAI client/);
      expect(() => setGlobalClient(fleet.ai, { stream: true } as never)).toThrow(
        /stream: is not an option/,
      );
    });
  });
});
