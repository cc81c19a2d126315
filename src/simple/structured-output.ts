import { ConfigurationError } from '../errors/configuration-error.js';
import type { FieldIssue } from '../errors/configuration-error.js';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { ToolCall } from '../types/tool.js';
import type { ChatClient } from '../client/chat-client.js';
import {
  isStandardSchema,
  type AnySchema,
  type InferOutput,
  type StandardSchemaIssue,
} from './standard-schema.js';

/** How the model is asked for structured output. */
export type StructuredMode = 'json' | 'tool';

export interface StructuredOutputOptions<S extends AnySchema = AnySchema> {
  /** A zod schema or any Standard Schema; the answer is validated against it. */
  schema: S;
  /**
   * `json` (default): JSON mode with the schema (`responseFormat: json_schema`, native on every
   * provider type). `tool`: one forced tool call whose arguments are the answer.
   */
  mode?: StructuredMode;
  /** Name the schema is sent under (`answer` by default); 1-64 letters, digits, `_` or `-`. */
  schemaName?: string;
  schemaDescription?: string;
  /**
   * The JSON Schema sent to the provider. By default it comes from the schema itself (Standard
   * JSON Schema: zod 4, ArkType, ...); without one FlexiAI asks for any JSON value and relies on
   * validation and the retry.
   */
  jsonSchema?: Record<string, unknown>;
  /** Answers asked for again after an invalid one, with its validation errors (1 by default). */
  maxRetries?: number;
}

export interface StructuredResult<T> {
  /** The validated value (the schema's output type). */
  value: T;
  /** The response of the call that gave it. */
  response: ChatResponse;
  /** Answers asked for: 1, or more after invalid ones. */
  tries: number;
}

interface Plan {
  schemaName: string;
  /** The JSON Schema sent, or undefined when the schema has none. */
  jsonSchema: Record<string, unknown> | undefined;
  /** A non-object schema is sent wrapped in `{ value }` (tools and strict JSON modes want objects). */
  wrapped: boolean;
}

type StructuredKey = keyof StructuredOutputOptions;

/** Splits structured-output options from the request options they were given with. */
export function splitStructured<T extends Partial<StructuredOutputOptions>>(
  options: T,
): { request: Omit<T, StructuredKey>; structured: StructuredOutputOptions } {
  const { schema, mode, schemaName, schemaDescription, jsonSchema, maxRetries, ...request } =
    options;
  const structured: StructuredOutputOptions = { schema: schema as AnySchema };
  if (mode !== undefined) structured.mode = mode;
  if (schemaName !== undefined) structured.schemaName = schemaName;
  if (schemaDescription !== undefined) structured.schemaDescription = schemaDescription;
  if (jsonSchema !== undefined) structured.jsonSchema = jsonSchema;
  if (maxRetries !== undefined) structured.maxRetries = maxRetries;
  return { request, structured };
}

const planCache = new WeakMap<object, Plan>();
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Asks for an answer matching `schema` and validates it. An invalid answer (not JSON, or not
 * matching) is sent back with its validation errors and asked for again, `maxRetries` times (once by
 * default); then a StructuredOutputError with the raw answer and the issues.
 */
export async function structuredCompletion<S extends AnySchema>(
  client: ChatClient,
  request: ChatRequest,
  options: StructuredOutputOptions<S>,
): Promise<StructuredResult<InferOutput<S>>> {
  const plan = planFor(options);
  const mode = options.mode ?? 'json';
  const maxRetries = options.maxRetries ?? 1;
  if (mode !== 'json' && mode !== 'tool') {
    throw new ConfigurationError(
      `Structured output: mode must be "json" or "tool", got "${String(mode)}"`,
    );
  }
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ConfigurationError('Structured output: maxRetries must be a whole number >= 0');
  }
  if (mode === 'json' && request.responseFormat !== undefined) {
    throw new ConfigurationError(
      'Structured output: the request already has a responseFormat; `schema` sets it (or use mode "tool")',
    );
  }
  if (mode === 'tool' && request.toolChoice !== undefined) {
    throw new ConfigurationError(
      'Structured output: the request already has a toolChoice; mode "tool" forces the answer tool',
    );
  }
  const shaped =
    mode === 'json'
      ? jsonModeRequest(request, plan, options)
      : toolModeRequest(request, plan, options);
  let messages = shaped.messages;
  for (let tries = 1; ; tries += 1) {
    const response = await client.chatCompletion({ ...shaped, messages });
    const { raw, call } = answerOf(response, mode, plan.schemaName);
    const outcome = await check(options.schema, raw, plan.wrapped);
    if (outcome.ok) return { value: outcome.value as InferOutput<S>, response, tries };
    if (tries > maxRetries) {
      throw new StructuredOutputError({
        raw,
        issues: outcome.issues,
        tries,
        provider: response.provider,
        schemaName: plan.schemaName,
      });
    }
    messages = [...messages, ...feedback(raw, call, outcome.issues)];
  }
}

function planFor(options: StructuredOutputOptions): Plan {
  const { schema } = options;
  if (!isStandardSchema(schema)) {
    throw new ConfigurationError(
      'Structured output: `schema` must be a zod schema or another Standard Schema (an object with a `~standard` property)',
    );
  }
  const schemaName = options.schemaName ?? 'answer';
  if (!NAME.test(schemaName)) {
    throw new ConfigurationError(
      `Structured output: schemaName "${schemaName}" must be 1-64 letters, digits, _ or -`,
    );
  }
  const cached = options.jsonSchema === undefined ? planCache.get(schema) : undefined;
  if (cached && cached.schemaName === schemaName) return cached;
  const source = options.jsonSchema ?? jsonSchemaOf(schema);
  let plan: Plan;
  if (source === undefined) {
    plan = { schemaName, jsonSchema: undefined, wrapped: false };
  } else {
    const { $schema: _dialect, ...jsonSchema } = source;
    const isObject = jsonSchema.type === 'object';
    plan = {
      schemaName,
      wrapped: !isObject,
      jsonSchema: isObject
        ? jsonSchema
        : {
            type: 'object',
            properties: { value: jsonSchema },
            required: ['value'],
            additionalProperties: false,
          },
    };
  }
  if (options.jsonSchema === undefined) planCache.set(schema, plan);
  return plan;
}

/**
 * The JSON Schema of what the model must write: the schema's input side (a zod `transform` runs on
 * the validated answer, after the model).
 */
function jsonSchemaOf(schema: AnySchema): Record<string, unknown> | undefined {
  const converter = schema['~standard'].jsonSchema;
  if (!converter) return undefined;
  try {
    return converter.input({ target: 'draft-2020-12' });
  } catch {
    try {
      return converter.input({ target: 'draft-07' });
    } catch {
      return undefined; // not representable: validation and the retry still hold the line
    }
  }
}

const JSON_INSTRUCTION = 'Answer with a single JSON value only: no prose, no code fences.';

function jsonModeRequest(
  request: ChatRequest,
  plan: Plan,
  options: StructuredOutputOptions,
): ChatRequest {
  if (plan.jsonSchema === undefined) {
    // Schemaless JSON mode; OpenAI wants the word JSON in the messages for it.
    return {
      ...request,
      responseFormat: { type: 'json_object' },
      messages: [{ role: 'system', content: JSON_INSTRUCTION }, ...request.messages],
    };
  }
  return {
    ...request,
    responseFormat: {
      type: 'json_schema',
      jsonSchema: {
        name: plan.schemaName,
        schema: plan.jsonSchema,
        ...(options.schemaDescription ? { description: options.schemaDescription } : {}),
      },
    },
  };
}

function toolModeRequest(
  request: ChatRequest,
  plan: Plan,
  options: StructuredOutputOptions,
): ChatRequest {
  return {
    ...request,
    tools: [
      ...(request.tools ?? []),
      {
        type: 'function',
        function: {
          name: plan.schemaName,
          description:
            options.schemaDescription ?? 'Give the answer as the arguments of this function.',
          parameters: plan.jsonSchema ?? { type: 'object' },
        },
      },
    ],
    toolChoice: { type: 'function', function: { name: plan.schemaName } },
  };
}

/** The answer's text: the forced tool call's arguments, or the content. */
function answerOf(
  response: ChatResponse,
  mode: StructuredMode,
  name: string,
): { raw: string; call: ToolCall | undefined } {
  if (mode === 'tool') {
    const call =
      response.toolCalls?.find((c) => c.function.name === name) ?? response.toolCalls?.[0];
    if (call) return { raw: call.function.arguments, call };
  }
  return { raw: response.content ?? '', call: undefined };
}

type Outcome = { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] };

async function check(schema: AnySchema, raw: string, wrapped: boolean): Promise<Outcome> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFences(raw));
  } catch {
    // Not the parser's message: it quotes the answer, and issues end up in logs.
    const message = raw.trim() === '' ? 'the answer is empty' : 'the answer is not valid JSON';
    return { ok: false, issues: [{ path: '', message }] };
  }
  if (wrapped) {
    if (typeof parsed !== 'object' || parsed === null || !('value' in parsed)) {
      return { ok: false, issues: [{ path: '', message: 'expected an object { "value": ... }' }] };
    }
    parsed = (parsed as { value: unknown }).value;
  }
  const result = await schema['~standard'].validate(parsed);
  if (result.issues === undefined) return { ok: true, value: result.value };
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: pathOf(issue, wrapped),
      message: issue.message,
    })),
  };
}

const pathOf = (issue: StandardSchemaIssue, wrapped: boolean): string => {
  const keys = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
  return (wrapped ? ['value', ...keys] : keys).join('.');
};

/** Models (and Anthropic's emulated JSON mode) sometimes fence JSON in ```json ... ```. */
const stripFences = (raw: string): string => {
  const match = /^\s*```[a-zA-Z]*\s*\n([\s\S]*?)\n?\s*```\s*$/.exec(raw);
  return match ? match[1]! : raw;
};

/** The invalid answer and what is wrong with it, for the retry. */
function feedback(
  raw: string,
  call: ToolCall | undefined,
  issues: FieldIssue[],
): ChatRequest['messages'] {
  const problems = issues.map((i) => `- ${i.path || '(root)'}: ${i.message}`).join('\n');
  const text = `That answer does not match the required schema:\n${problems}\nAnswer again, correcting these errors.`;
  if (call) {
    return [
      { role: 'assistant', content: null, toolCalls: [call] },
      { role: 'tool', toolCallId: call.id, content: text },
    ];
  }
  return [
    { role: 'assistant', content: raw === '' ? '(empty answer)' : raw },
    { role: 'user', content: `${text} Reply with only the JSON.` },
  ];
}
