import { mergeCallOptions, type CallOptions, type Messages } from './call-options.js';
import { bindingOf, type ClientSource } from './client-source.js';
import { toChatRequest, userMessages } from './prompt.js';
import type { AnySchema, InferOutput } from './standard-schema.js';
import { structuredCompletion, type StructuredOutputOptions } from './structured-output.js';

/** Options of `ask`: a system message, then any request field (`model`, sampling, `signal`, ...). */
export type AskOptions = CallOptions;

/** `ask` with a schema: the validated value instead of the text. */
export type AskSchemaOptions<S extends AnySchema> = AskOptions & StructuredOutputOptions<S>;

export interface AskFunction {
  /** Asks and validates the answer against `schema` (JSON mode or a tool; one retry when invalid). */
  <S extends AnySchema>(
    prompt: string | Messages,
    options: AskSchemaOptions<S>,
  ): Promise<InferOutput<S>>;
  /** Asks one question (or sends messages) and gives the answer's text (`''` when it has none). */
  (prompt: string | Messages, options?: AskOptions): Promise<string>;
}

const STRUCTURED_KEYS = [
  'schema',
  'mode',
  'schemaName',
  'schemaDescription',
  'jsonSchema',
  'maxRetries',
] as const;

/** `ask` over one client, with defaults under the call's own options. */
export function createAsk(source: ClientSource): AskFunction {
  return (async (
    input: string | Messages,
    options?: AskOptions & Partial<StructuredOutputOptions>,
  ) => {
    const { client, defaults } = bindingOf(source);
    const messages = typeof input === 'string' ? userMessages(input) : input;
    if (options?.schema !== undefined) {
      const { request, structured } = splitStructured(options);
      const merged = defaults ? mergeCallOptions<CallOptions>(defaults, request) : request;
      const result = await structuredCompletion(
        client,
        toChatRequest(messages, merged),
        structured,
      );
      return result.value;
    }
    const merged = defaults ? mergeCallOptions<CallOptions>(defaults, options) : options;
    const response = await client.chatCompletion(
      merged ? toChatRequest(messages, merged) : { messages },
    );
    return response.content ?? '';
  }) as AskFunction;
}

/** Splits structured-output options from request options. */
export function splitStructured<T extends Partial<StructuredOutputOptions>>(
  options: T,
): { request: Omit<T, (typeof STRUCTURED_KEYS)[number]>; structured: StructuredOutputOptions } {
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

export { STRUCTURED_KEYS };
