import fc from 'fast-check';

/** Strings with the characters that break naive code: unicode, lone surrogates, NULs, quotes. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '',
    '\u0000',
    '\ud800',
    '"}]',
    '../../etc/passwd',
    'default',
    'a/b',
    '\u202e',
  ),
);

/**
 * Any JSON value, shallow or deep (deep enough to break every bound, shallow enough for the test's
 * own JSON.stringify inside fast-check's stack; deeper nesting is sent as text, see DEEP_BODIES).
 */
export const jsonValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1200 }).map((d) => deepArray(d)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }).map((d) => deepObject(d)) },
);

/** Bodies nesting up to 100,000 levels in each open-ended field, built as text. */
export const deepBody = fc
  .tuple(
    fc.integer({ min: 100, max: 100_000 }),
    fc.constantFrom(
      (x: string) =>
        `"tools":[{"type":"function","function":{"name":"f","parameters":{"x":${x}}}}]`,
      (x: string) =>
        `"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"x":${x}}}}`,
      (x: string) => `"provider_options":{"openai":{"x":${x}},"anthropic":{"x":${x}}}`,
      (x: string) => `"provider_options":{"gemini":{"x":${x}},"vertexai":{"x":${x}}}`,
      (x: string) => `"metadata":${x}`,
      (x: string) => `"messages":[{"role":"user","content":[${x}]}]`,
    ),
    fc.boolean(),
  )
  .map(([depth, field, stream]) => {
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const messages = field('').startsWith('"messages"')
      ? ''
      : '"messages":[{"role":"user","content":"x"}],';
    return `{${messages}"stream":${stream},${field(deep)}}`;
  });

export function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

export function deepObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i += 1) value = { type: 'object', properties: { x: value } };
  return value;
}

const role = fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'bogus');

/** A message, usually well formed, sometimes not. */
const message = fc.oneof(
  fc.record({ role, content: nastyString }),
  fc.record({
    role: fc.constant('user'),
    content: fc.array(
      fc.oneof(
        fc.record({ type: fc.constant('text'), text: nastyString }),
        fc.record({
          type: fc.constant('image_url'),
          image_url: fc.record({ url: fc.oneof(nastyString, fc.webUrl()) }),
        }),
        jsonValue,
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    role: fc.constant('assistant'),
    content: fc.constant(null),
    tool_calls: fc.array(
      fc.record({
        id: nastyString,
        type: fc.constant('function'),
        function: fc.record({ name: nastyString, arguments: nastyString }),
      }),
      { maxLength: 2 },
    ),
  }),
  fc.record({ role: fc.constant('tool'), content: nastyString, tool_call_id: nastyString }),
  jsonValue,
);

const providerKey = fc.constantFrom(
  'openai',
  'openai-compatible',
  'anthropic',
  'gemini',
  'vertexai',
  'a',
  'b',
  '__proto__',
  'constructor',
);
const optionField = fc.constantFrom(
  'stream',
  'model',
  'messages',
  'temperature',
  'reasoning_effort',
  'safetySettings',
  'thinking',
  'baseURL',
  'headers',
  'contents',
  'system',
  '__proto__',
);

/** An OpenAI-shaped request body as a client might send it: mostly plausible, often hostile. */
export const openAIRequestBody = fc.record(
  {
    model: fc.oneof(nastyString, fc.constantFrom('a', 'b', 'model-a', 'a/x', 'default')),
    messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 4 }), jsonValue),
    stream: fc.boolean(),
    temperature: fc.oneof(fc.double(), jsonValue),
    max_tokens: fc.oneof(fc.integer(), jsonValue),
    tools: fc.array(
      fc.record({
        type: fc.constant('function'),
        function: fc.record({
          name: nastyString,
          parameters: fc.oneof(jsonValue, fc.dictionary(nastyString, jsonValue, { maxKeys: 3 })),
        }),
      }),
      { maxLength: 3 },
    ),
    tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), jsonValue),
    response_format: fc.oneof(
      fc.record({
        type: fc.constant('json_schema'),
        json_schema: fc.record({ name: nastyString, schema: jsonValue }),
      }),
      jsonValue,
    ),
    metadata: fc.oneof(fc.dictionary(nastyString, nastyString, { maxKeys: 20 }), jsonValue),
    user: nastyString,
    provider_options: fc.dictionary(
      providerKey,
      fc.oneof(fc.dictionary(optionField, jsonValue, { maxKeys: 3 }), jsonValue),
      { maxKeys: 3 },
    ),
    stop: fc.oneof(nastyString, fc.array(nastyString, { maxLength: 20 })),
    n: fc.oneof(fc.constant(1), jsonValue),
    unknown_field: jsonValue,
  },
  { requiredKeys: ['messages'] },
);

/** A request that is mostly valid: the hostile parts are in its open-ended fields. */
const plausibleRequestBody = fc.record(
  {
    model: fc.constantFrom('a', 'default', 'model-a', 'a/custom-model'),
    messages: fc.array(fc.record({ role: fc.constant('user'), content: nastyString }), {
      minLength: 1,
      maxLength: 3,
    }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    tools: fc.array(
      fc.record({
        type: fc.constant('function'),
        function: fc.record({
          name: fc.constantFrom('get_weather', 'lookup', 'f'),
          parameters: fc.oneof(
            fc.constant({ type: 'object', properties: {} }),
            fc.dictionary(fc.string({ maxLength: 8 }), jsonValue, { maxKeys: 3 }),
          ),
        }),
      }),
      { minLength: 1, maxLength: 1 },
    ),
    provider_options: fc.dictionary(
      providerKey,
      fc.dictionary(optionField, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 2 }),
      { maxKeys: 2 },
    ),
    metadata: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), {
      maxKeys: 3,
    }),
  },
  { requiredKeys: ['messages'] },
);

/** Client bodies: mostly plausible requests with hostile parts, the rest anything. */
export const clientBody = fc.oneof(
  { weight: 3, arbitrary: plausibleRequestBody },
  { weight: 2, arbitrary: openAIRequestBody },
);

/** The library's request shape, from the same building blocks. */
export const libraryRequest = clientBody.map((body: Record<string, unknown>) => {
  const out: Record<string, unknown> = { ...body };
  if ('provider_options' in out) {
    out.providerOptions = out.provider_options;
    delete out.provider_options;
  }
  if ('response_format' in out) {
    out.responseFormat = out.response_format;
    delete out.response_format;
  }
  if ('max_tokens' in out) {
    out.maxTokens = out.max_tokens;
    delete out.max_tokens;
  }
  if ('tool_choice' in out) {
    out.toolChoice = out.tool_choice;
    delete out.tool_choice;
  }
  delete out.stream;
  delete out.n;
  return out;
});
