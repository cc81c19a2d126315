import { describe, expect, it } from 'vitest';
import { checkJsonBounds } from './json-bounds.js';
import { checkRequestBounds, LIBRARY_FIELD_NAMES, OPENAI_FIELD_NAMES } from './request-bounds.js';

const nest = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};
const bounds = { maxDepth: 4, maxNodes: 20, maxStringLength: 8 };

describe('checkJsonBounds', () => {
  it('accepts a value within bounds', () => {
    expect(checkJsonBounds({ a: [1, 'short', { b: null }] }, bounds)).toBeUndefined();
  });

  it('names depth, size, string length and the __proto__ key', () => {
    expect(checkJsonBounds(nest(5), bounds)).toBe('nests deeper than 4 levels');
    expect(
      checkJsonBounds(
        Array.from({ length: 30 }, () => 1),
        bounds,
      ),
    ).toMatch(/more than 20/);
    expect(checkJsonBounds({ a: 'x'.repeat(9) }, bounds)).toMatch(/string longer than 8/);
    expect(checkJsonBounds({ ['y'.repeat(9)]: 1 }, bounds)).toMatch(/key longer than 8/);
    expect(checkJsonBounds(JSON.parse('{"__proto__":{"x":1}}'), bounds)).toMatch(/reserved key/);
  });

  it('is iterative: a million levels neither overflow the stack nor run long', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`) as unknown;
    expect(checkJsonBounds(deep, { ...bounds, maxDepth: 32, maxNodes: 100 })).toBe(
      'nests deeper than 32 levels',
    );
  });

  it('terminates on a cyclic value', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(checkJsonBounds(cyclic, bounds)).toBe('nests deeper than 4 levels');
  });
});

describe('checkRequestBounds', () => {
  it('names the tool schema, the response schema and the provider options that break a bound', () => {
    const deep = nest(100);
    const issues = checkRequestBounds(
      {
        tools: [{ type: 'function', function: { name: 'f', parameters: deep } }],
        responseFormat: { type: 'json_schema', jsonSchema: { name: 's', schema: deep } },
        providerOptions: { openai: { x: deep } },
      },
      LIBRARY_FIELD_NAMES,
    );
    expect(issues.map((i) => i.path)).toEqual([
      'tools.0.function.parameters',
      'responseFormat.jsonSchema.schema',
      'providerOptions.openai',
    ]);
  });

  it('uses the OpenAI spelling for the gateway', () => {
    const issues = checkRequestBounds(
      { response_format: { json_schema: { schema: nest(100) } } },
      OPENAI_FIELD_NAMES,
    );
    expect(issues[0]?.path).toBe('response_format.json_schema.schema');
  });

  it.each([
    ['openai', 'stream'],
    ['openai', 'stream_options'],
    ['openai-compatible', 'model'],
    ['anthropic', 'system'],
    ['anthropic', 'messages'],
    ['gemini', 'contents'],
    ['vertexai', 'systemInstruction'],
    ['my-provider', 'stream'],
    ['openai', 'baseURL'],
    ['anthropic', 'x-api-key'],
    ['gemini', 'Authorization'],
  ])('refuses provider option %s.%s, which the adapter owns', (key, field) => {
    const issues = checkRequestBounds(
      { providerOptions: { [key]: { [field]: true } } },
      LIBRARY_FIELD_NAMES,
    );
    expect(issues).toEqual([
      { path: `providerOptions.${key}.${field}`, message: expect.stringContaining('adapter owns') },
    ]);
  });

  it.each([
    ['openai', 'reasoning_effort'],
    ['anthropic', 'thinking'],
    ['gemini', 'safetySettings'],
    ['gemini', 'thoughtSignatures'],
    ['openai-compatible', 'top_k'],
  ])('allows provider option %s.%s', (key, field) => {
    expect(
      checkRequestBounds({ providerOptions: { [key]: { [field]: {} } } }, LIBRARY_FIELD_NAMES),
    ).toEqual([]);
  });

  it('refuses provider option keys that reach a prototype, and too many entries', () => {
    const proto = checkRequestBounds(
      { providerOptions: JSON.parse('{"constructor":{"a":1}}') as unknown },
      LIBRARY_FIELD_NAMES,
    );
    expect(proto[0]?.path).toBe('providerOptions');
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`p${i}`, {}]));
    expect(checkRequestBounds({ providerOptions: many }, LIBRARY_FIELD_NAMES)[0]?.message).toMatch(
      /more than 16/,
    );
  });

  it('leaves fields of the wrong shape to the schema', () => {
    expect(checkRequestBounds({ tools: 'nope', providerOptions: 3 }, LIBRARY_FIELD_NAMES)).toEqual(
      [],
    );
    expect(checkRequestBounds(null, LIBRARY_FIELD_NAMES)).toEqual([]);
  });
});
