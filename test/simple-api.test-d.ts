import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { FlexiAI } from '../src/client/flexiai.js';
import { ask, chat, fn, prompt, type StandardSchemaV1 } from '../src/index.js';

declare const ai: FlexiAI;

const Person = z.object({ name: z.string(), age: z.number() });
type Person = z.infer<typeof Person>;

/** A hand-written Standard Schema (no library), validating to `{ id: number }`. */
declare const idSchema: StandardSchemaV1<unknown, { id: number }>;

describe('ai.ask', () => {
  it('gives a string, or the schema output', () => {
    expectTypeOf(ai.ask('hi')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(ai.ask('hi', { system: 's', model: 'm', temperature: 0.2 })).toEqualTypeOf<
      Promise<string>
    >();
    expectTypeOf(ai.ask('hi', { schema: Person })).toEqualTypeOf<Promise<Person>>();
    expectTypeOf(ask('hi', { schema: idSchema })).toEqualTypeOf<Promise<{ id: number }>>();
    // @ts-expect-error: not an option
    void ai.ask('hi', { temprature: 1 });
    // @ts-expect-error: a schema must be a zod schema or a Standard Schema
    void ai.ask('hi', { schema: { name: 'string' } });
  });
});

describe('ai.fn', () => {
  it('keeps the parameters and types the answer', () => {
    const summarize = ai.fn({ system: 's' }, (text: string, words: number) => `${words}: ${text}`);
    expectTypeOf(summarize).parameters.toEqualTypeOf<[text: string, words: number]>();
    expectTypeOf(summarize).returns.toEqualTypeOf<Promise<string>>();

    const story = ai.fn({ stream: true }, async (topic: string) => ({ prompt: topic }));
    expectTypeOf(story).returns.toEqualTypeOf<AsyncIterable<string>>();

    const extract = ai.fn({ schema: Person }, (text: string) => [
      { role: 'user' as const, content: text },
    ]);
    expectTypeOf(extract).returns.toEqualTypeOf<Promise<Person>>();

    // Transforms: the answer type is the schema's output.
    const count = fn({ schema: z.string().transform((s) => s.length) }, () => 'x');
    expectTypeOf(count).returns.toEqualTypeOf<Promise<number>>();
  });

  it('refuses wrong uses at compile time', () => {
    // @ts-expect-error: stream and schema do not combine
    ai.fn({ stream: true, schema: Person }, () => 'x');
    // @ts-expect-error: not a schema
    ai.fn({ schema: z }, () => 'x');
    // @ts-expect-error: the builder must give a prompt
    ai.fn({}, () => 42);
    const summarize = ai.fn({}, (text: string) => text);
    // @ts-expect-error: wrong argument type
    void summarize(42);
  });
});

describe('@ai.chat and @chat', () => {
  it('type decorated methods by what callers get', () => {
    class Assistant {
      @ai.chat({ system: 'Be brief.' })
      async summarize(text: string): Promise<string> {
        return `Summarize: ${text}`;
      }

      @ai.chat
      async bare(text: string): Promise<string> {
        return text;
      }

      @chat({ stream: true })
      story(topic: string): AsyncIterable<string> {
        return prompt(`A story about ${topic}`);
      }

      @chat({ schema: Person })
      async person(text: string): Promise<Person> {
        return prompt({ prompt: text, temperature: 0 });
      }
    }
    const a = new Assistant();
    expectTypeOf(a.summarize('x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(a.bare('x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(a.story('x')).toEqualTypeOf<AsyncIterable<string>>();
    expectTypeOf(a.person('x')).toEqualTypeOf<Promise<Person>>();
  });

  it('refuses a method whose declared return type does not match the options', () => {
    class Wrong {
      // @ts-expect-error: with a schema the method must return Promise<schema output>
      @ai.chat({ schema: Person })
      async person(text: string): Promise<string> {
        return text;
      }

      // @ts-expect-error: a streaming method returns AsyncIterable<string>
      @ai.chat({ stream: true })
      async story(topic: string): Promise<string> {
        return topic;
      }

      // @ts-expect-error: a text method returns Promise<string>
      @chat()
      async count(): Promise<number> {
        return prompt('how many?');
      }

      // @ts-expect-error: not a schema
      @chat({ schema: { parse: (v: unknown) => v } })
      async loose(): Promise<unknown> {
        return prompt('x');
      }
    }
    void Wrong;
  });
});
