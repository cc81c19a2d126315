import { mergeCallOptions, type CallOptions, type Messages } from './call-options.js';
import { bindingOf, type ClientSource } from './client-source.js';
import { toChatRequest, userMessages } from './prompt.js';
import type { AnySchema, InferOutput } from './standard-schema.js';
import {
  splitStructured,
  structuredCompletion,
  type StructuredOutputOptions,
} from './structured-output.js';

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
