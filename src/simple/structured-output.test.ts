import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import { fault } from '../testing/faults.js';
import type { RecordedRequest } from '../testing/simulated-provider.js';
import type { ChatClient } from '../client/chat-client.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { structuredCompletion } from './structured-output.js';
import { createFleet, type Fleet } from '../../test/helpers/sim-fleet.js';

const Person = z.object({ name: z.string(), age: z.number().int() });
const ask = { messages: [{ role: 'user' as const, content: 'Ann is 31' }] };
type Body = Record<string, unknown> & { messages: { role: string; content: unknown }[] };
const bodyOf = (r: RecordedRequest | undefined) => r?.body as Body;

describe('structuredCompletion', () => {
  let fleet: Fleet;
  afterEach(() => fleet.close());

  it.each([
    ['openai', 'response_format'],
    ['anthropic', 'output_config'],
    ['gemini', 'generationConfig'],
  ] as const)(
    'JSON mode on %s: sends the JSON Schema in its wire form and validates the answer',
    async (type, field) => {
      fleet = await createFleet([type]);
      fleet.sims[0]?.enqueue(fault.ok({ content: '{"name":"Ann","age":31}' }));
      const result = await structuredCompletion(fleet.ai, ask, { schema: Person });
      expect(result.value).toEqual({ name: 'Ann', age: 31 });
      expect(result.tries).toBe(1);
      expect(result.response.provider).toBe('a');
      expect(fleet.sims[0]?.chatCalls).toBe(1);
      expect(JSON.stringify(bodyOf(fleet.sims[0]?.requests[0])[field])).toContain('"age"');
    },
  );

  it("sends the schema's input JSON Schema as json_schema (named, described, no $schema)", async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(fault.ok({ content: '{"name":"Ann","age":31}' }));
    await structuredCompletion(fleet.ai, ask, {
      schema: Person,
      schemaName: 'person',
      schemaDescription: 'A person',
    });
    expect(bodyOf(fleet.sims[0]?.requests[0]).response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'person',
        description: 'A person',
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            age: expect.objectContaining({ type: 'integer' }),
          },
          required: ['name', 'age'],
        },
      },
    });
  });

  it('retries an invalid answer once with the validation errors, then succeeds', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(
      fault.ok({ content: '{"name":"Ann","age":"31"}' }),
      fault.ok({ content: '{"name":"Ann","age":31}' }),
    );
    const result = await structuredCompletion(fleet.ai, ask, { schema: Person });
    expect(result).toMatchObject({ value: { name: 'Ann', age: 31 }, tries: 2 });
    expect(fleet.sims[0]?.chatCalls).toBe(2);
    const retry = bodyOf(fleet.sims[0]?.requests[1]).messages;
    expect(retry.slice(0, 2)).toEqual([
      { role: 'user', content: 'Ann is 31' },
      { role: 'assistant', content: '{"name":"Ann","age":"31"}' },
    ]);
    expect(retry[2]).toMatchObject({ role: 'user' });
    expect(retry[2]?.content).toContain('- age: Invalid input: expected number, received string');
  });

  it('gives up after one retry with a StructuredOutputError holding the raw answer and the issues', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(
      fault.ok({ content: 'Sure! Ann is 31.' }),
      fault.ok({ content: '{"name":"Ann"}' }),
    );
    const error = await structuredCompletion(fleet.ai, ask, { schema: Person }).catch(
      (e: unknown) => e,
    );
    expect(StructuredOutputError.isInstance(error)).toBe(true);
    const e = error as StructuredOutputError;
    expect(e).toMatchObject({
      code: 'structured_output_invalid',
      raw: '{"name":"Ann"}',
      tries: 2,
      provider: 'a',
      schemaName: 'answer',
      issues: [{ path: 'age', message: expect.stringContaining('expected number') }],
    });
    expect(JSON.stringify(e)).not.toContain('Ann'); // model output stays out of serialized errors
    expect(e.toJSON()).toMatchObject({ rawLength: 14 });
    expect(fleet.sims[0]?.chatCalls).toBe(2);
    // The first answer was not JSON: the retry said so (without quoting the parser).
    expect(bodyOf(fleet.sims[0]?.requests[1]).messages[2]?.content).toContain(
      '(root): the answer is not valid JSON',
    );
  });

  it('takes maxRetries: 0 (no retry) and 2', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.setDefault(fault.ok({ content: '{}' }));
    await expect(
      structuredCompletion(fleet.ai, ask, { schema: Person, maxRetries: 0 }),
    ).rejects.toMatchObject({ tries: 1 });
    expect(fleet.sims[0]?.chatCalls).toBe(1);
    await expect(
      structuredCompletion(fleet.ai, ask, { schema: Person, maxRetries: 2 }),
    ).rejects.toMatchObject({ tries: 3 });
    expect(fleet.sims[0]?.chatCalls).toBe(4);
  });

  it('tool mode: forces one tool call, reads its arguments, answers a bad one with a tool message', async () => {
    fleet = await createFleet(1);
    const call = (id: string, args: string) => ({
      id,
      type: 'function' as const,
      function: { name: 'person', arguments: args },
    });
    fleet.sims[0]?.enqueue(
      fault.ok({
        content: null,
        toolCalls: [call('c1', '{"name":"Ann"}')],
        finishReason: 'tool_calls',
      }),
      fault.ok({
        content: null,
        toolCalls: [call('c2', '{"name":"Ann","age":31}')],
        finishReason: 'tool_calls',
      }),
    );
    const result = await structuredCompletion(fleet.ai, ask, {
      schema: Person,
      mode: 'tool',
      schemaName: 'person',
    });
    expect(result.value).toEqual({ name: 'Ann', age: 31 });
    const first = bodyOf(fleet.sims[0]?.requests[0]);
    expect(first.tool_choice).toEqual({ type: 'function', function: { name: 'person' } });
    expect(first.tools).toEqual([
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({
          name: 'person',
          parameters: expect.objectContaining({ type: 'object' }),
        }),
      }),
    ]);
    const retry = bodyOf(fleet.sims[0]?.requests[1]).messages;
    expect(retry[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [expect.objectContaining({ id: 'c1' })],
    });
    expect(retry[2]).toMatchObject({ role: 'tool', tool_call_id: 'c1' });
    expect(String(retry[2]?.content)).toContain('- age:');
  });

  it.each(['anthropic', 'gemini'] as const)(
    'tool mode on %s: the forced tool call, a retry after a bad one, the value',
    async (type) => {
      fleet = await createFleet([type]);
      const call = (id: string, args: string) => ({
        id,
        type: 'function' as const,
        function: { name: 'person', arguments: args },
      });
      fleet.sims[0]?.enqueue(
        fault.ok({
          content: null,
          toolCalls: [call('c1', '{"age":31}')],
          finishReason: 'tool_calls',
        }),
        fault.ok({
          content: null,
          toolCalls: [call('c2', '{"name":"Ann","age":31}')],
          finishReason: 'tool_calls',
        }),
      );
      const result = await structuredCompletion(fleet.ai, ask, {
        schema: Person,
        mode: 'tool',
        schemaName: 'person',
      });
      expect(result).toMatchObject({ value: { name: 'Ann', age: 31 }, tries: 2 });
      expect(fleet.sims[0]?.chatCalls).toBe(2);
      expect(JSON.stringify(fleet.sims[0]?.requests[0]?.body)).toContain('"person"');
      expect(JSON.stringify(fleet.sims[0]?.requests[1]?.body)).toContain('- name:');
    },
  );

  it('sends a non-object schema wrapped in { value } and unwraps the answer', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(fault.ok({ content: '{"value":["a","b"]}' }));
    const result = await structuredCompletion(fleet.ai, ask, { schema: z.array(z.string()) });
    expect(result.value).toEqual(['a', 'b']);
    const format = bodyOf(fleet.sims[0]?.requests[0]).response_format as {
      json_schema: { schema: unknown };
    };
    expect(format.json_schema.schema).toEqual({
      type: 'object',
      properties: { value: { type: 'array', items: { type: 'string' } } },
      required: ['value'],
      additionalProperties: false,
    });
  });

  it('asks the model for the input side of a transform, and gives its output', async () => {
    fleet = await createFleet(1);
    fleet.sims[0]?.enqueue(fault.ok({ content: '```json\n{"when":"2026-01-02"}\n```' }));
    const schema = z.object({ when: z.string().transform((s) => new Date(`${s}T00:00:00Z`)) });
    const result = await structuredCompletion(fleet.ai, ask, { schema });
    expect(result.value.when).toBeInstanceOf(Date);
    expect(result.value.when.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('takes a Standard Schema with no JSON Schema: schemaless JSON mode, validated (async too)', async () => {
    fleet = await createFleet(1);
    const evenNumber: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1,
        vendor: 'handmade',
        validate: async (value) =>
          typeof value === 'number' && value % 2 === 0
            ? { value }
            : { issues: [{ message: 'must be an even number', path: [] }] },
      },
    };
    fleet.sims[0]?.enqueue(fault.ok({ content: '3' }), fault.ok({ content: '4' }));
    const result = await structuredCompletion(fleet.ai, ask, { schema: evenNumber });
    expect(result).toMatchObject({ value: 4, tries: 2 });
    const first = bodyOf(fleet.sims[0]?.requests[0]);
    expect(first.response_format).toEqual({ type: 'json_object' });
    expect(first.messages[0]).toEqual({ role: 'system', content: expect.stringContaining('JSON') });
    expect(bodyOf(fleet.sims[0]?.requests[1]).messages.at(-1)?.content).toContain(
      'must be an even number',
    );
  });

  it('refuses a request whose responseFormat or toolChoice the schema would overwrite', async () => {
    fleet = await createFleet(1);
    await expect(
      structuredCompletion(
        fleet.ai,
        { ...ask, responseFormat: { type: 'json_object' } },
        { schema: Person },
      ),
    ).rejects.toThrow(/already has a responseFormat/);
    await expect(
      structuredCompletion(
        fleet.ai,
        { ...ask, toolChoice: 'auto' },
        { schema: Person, mode: 'tool' },
      ),
    ).rejects.toThrow(/already has a toolChoice/);
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });

  it('refuses what is not a schema, a bad name or mode before any call', async () => {
    fleet = await createFleet(1);
    const client: ChatClient = fleet.ai;
    for (const options of [
      { schema: { parse: () => 1 } },
      { schema: Person, schemaName: 'has spaces' },
      { schema: Person, mode: 'xml' },
      { schema: Person, maxRetries: -1 },
    ]) {
      await expect(structuredCompletion(client, ask, options as never)).rejects.toThrow(
        ConfigurationError,
      );
    }
    expect(fleet.sims[0]?.chatCalls).toBe(0);
  });
});
