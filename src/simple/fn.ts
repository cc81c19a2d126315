import { createChatCaller } from './chat-caller.js';
import {
  checkOptions,
  type AnyChatFunctionOptions,
  type SchemaOptions,
  type StreamOptions,
  type TextOptions,
} from './chat-function-options.js';
import type { ClientSource } from './client-source.js';
import type { PromptInput } from './prompt.js';
import type { AnySchema, InferOutput } from './standard-schema.js';

/** Maps a function's arguments to the prompt: a string, messages, or `{ prompt | messages, ...options }`. */
export type PromptBuilder<A extends unknown[]> = (
  ...args: A
) => PromptInput | PromiseLike<PromptInput>;

export interface FnFactory {
  /** A function whose answer is validated against `schema`: `Promise<schema output>`. */
  <A extends unknown[], S extends AnySchema>(
    options: SchemaOptions<S>,
    build: PromptBuilder<A>,
  ): (...args: A) => Promise<InferOutput<S>>;
  /** A function whose answer streams: `AsyncIterable<string>` of text deltas. */
  <A extends unknown[]>(
    options: StreamOptions,
    build: PromptBuilder<A>,
  ): (...args: A) => AsyncIterable<string>;
  /** A function that answers with text: `Promise<string>`. */
  <A extends unknown[]>(
    options: TextOptions,
    build: PromptBuilder<A>,
  ): (...args: A) => Promise<string>;
}

/** `fn` over a client: `build` maps the arguments to a prompt; the result calls the model. */
export function createFn(source: ClientSource): FnFactory {
  return ((options: AnyChatFunctionOptions, build: PromptBuilder<unknown[]>) => {
    checkOptions(options, 'ai.fn');
    if (typeof build !== 'function') {
      throw new TypeError(
        'ai.fn(options, build): build must be a function mapping the arguments to a prompt',
      );
    }
    const call = createChatCaller(options, source);
    const functionName = options.name ?? (build.name || 'fn');
    const wrapped = function (this: unknown, ...args: unknown[]) {
      return call(build.apply(this, args), functionName);
    };
    Object.defineProperty(wrapped, 'name', { value: functionName });
    return wrapped;
  }) as FnFactory;
}
