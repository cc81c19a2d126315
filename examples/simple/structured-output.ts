/**
 * Structured output: with `schema` (zod, or any Standard Schema) the answer is JSON validated
 * against it, typed as the schema's output. An invalid answer is sent back once with its
 * validation errors; a second invalid one is a StructuredOutputError.
 *
 *   npx tsx examples/simple/structured-output.ts
 */
import { z } from 'zod';
import { FlexiAI, StructuredOutputError, prompt, silentLogger } from 'flexiai';
import { createSimulatedProvider, fault } from 'flexiai/testing';

const sim = await createSimulatedProvider({ name: 'sim' });
const ai = new FlexiAI(
  { providers: [{ name: 'sim', type: 'openai-compatible', baseURL: sim.baseURL, model: 'sim-1' }] },
  { logger: silentLogger, env: false },
);

const Person = z.object({ name: z.string(), age: z.number().int() });

// A function returning Promise<{ name: string; age: number }>.
const extract = ai.fn({ schema: Person }, (text: string) => `Extract the person: ${text}`);
sim.enqueue(fault.ok({ content: '{"name":"Ada","age":36}' }));
const ada = await extract('Ada Lovelace, 36, mathematician');
console.log(`fn: ${ada.name} is ${ada.age}`);

// The model answers badly once: it is shown the errors and asked again.
sim.enqueue(
  fault.ok({ content: '{"name":"Alan","age":"41"}' }),
  fault.ok({ content: '{"name":"Alan","age":41}' }),
);
const alan = await extract('Alan Turing, 41');
console.log(`retried: ${alan.name} is ${alan.age} (${sim.chatCalls} calls so far)`);

// A decorated method, typed by what callers get; `tool` mode asks for a forced tool call instead.
class Directory {
  @ai.chat({ schema: z.array(Person), mode: 'tool', schemaName: 'people' })
  async people(text: string): Promise<z.infer<typeof Person>[]> {
    return prompt(`List the people in: ${text}`);
  }
}
sim.enqueue(
  fault.ok({
    content: null,
    finishReason: 'tool_calls',
    toolCalls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'people', arguments: '{"value":[{"name":"Grace","age":85}]}' },
      },
    ],
  }),
);
console.log('decorator:', await new Directory().people('Grace Hopper, 85'));

// Two invalid answers: a typed error with the raw answer and the issues.
sim.enqueue(fault.ok({ content: 'no idea' }), fault.ok({ content: '{"name":"?"}' }));
try {
  await ai.ask('Who?', { schema: Person });
} catch (error) {
  if (StructuredOutputError.isInstance(error)) {
    console.log(
      `${error.name} after ${error.tries} tries: ${error.issues[0]?.path} ${error.issues[0]?.message}`,
    );
  }
}

await ai.close();
await sim.close();
