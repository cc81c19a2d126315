import { ConfigurationError } from '../errors/configuration-error.js';
import type { FieldIssue } from '../errors/configuration-error.js';
import type { CallOptions } from './call-options.js';
import { isStandardSchema, type AnySchema } from './standard-schema.js';
import type { StructuredOutputOptions } from './structured-output.js';

/** Options of `ai.fn` and `@chat`, whatever they return. */
export interface ChatFunctionBaseOptions extends CallOptions {
  /** Names the function in errors; the function's or method's own name by default. */
  name?: string;
}

/** The answer's text (the default). */
export type TextOptions = ChatFunctionBaseOptions & { stream?: false; schema?: undefined };

/** The answer's text as it streams: an `AsyncIterable<string>`. */
export type StreamOptions = ChatFunctionBaseOptions & { stream: true; schema?: undefined };

/** The validated value of `schema` (JSON mode or a tool; an invalid answer is retried once). */
export type SchemaOptions<S extends AnySchema> = ChatFunctionBaseOptions &
  StructuredOutputOptions<S> & { stream?: false };

export type AnyChatFunctionOptions = ChatFunctionBaseOptions &
  Partial<StructuredOutputOptions> & { stream?: boolean };

export const CALL_OPTION_KEYS: readonly string[] = [
  'system',
  'model',
  'temperature',
  'maxTokens',
  'topP',
  'topK',
  'stop',
  'seed',
  'frequencyPenalty',
  'presencePenalty',
  'user',
  'metadata',
  'correlationId',
  'providerOptions',
  'signal',
];

const FUNCTION_KEYS = new Set([
  ...CALL_OPTION_KEYS,
  'name',
  'stream',
  'schema',
  'mode',
  'schemaName',
  'schemaDescription',
  'jsonSchema',
  'maxRetries',
]);
const DEFAULT_KEYS = new Set(CALL_OPTION_KEYS);

/**
 * Checks options once, where they are written (`ai.fn(...)`, `@chat(...)`, the global defaults),
 * so a typo or a wrong combination fails at load with a ConfigurationError, not on the first call.
 * Values are checked by `chatCompletion` on each call.
 */
export function checkOptions(options: unknown, what: string, defaultsOnly = false): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError(`${what}: options must be an object`);
  }
  const known = defaultsOnly ? DEFAULT_KEYS : FUNCTION_KEYS;
  const issues: FieldIssue[] = Object.keys(options)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: key, message: 'is not an option' }));
  const o = options as AnyChatFunctionOptions;
  if (!defaultsOnly) {
    if (o.stream !== undefined && typeof o.stream !== 'boolean') {
      issues.push({ path: 'stream', message: 'must be true or false' });
    }
    if (o.stream === true && o.schema !== undefined) {
      issues.push({ path: 'stream', message: 'cannot be combined with schema' });
    }
    if (o.schema !== undefined && !isStandardSchema(o.schema)) {
      issues.push({
        path: 'schema',
        message: 'must be a zod schema or another Standard Schema (with a `~standard` property)',
      });
    }
    if (o.name !== undefined && typeof o.name !== 'string') {
      issues.push({ path: 'name', message: 'must be a string' });
    }
  }
  if (o.system !== undefined && typeof o.system !== 'string') {
    issues.push({ path: 'system', message: 'must be a string' });
  }
  if (issues.length) throw new ConfigurationError(`${what}: invalid options`, { issues });
}
