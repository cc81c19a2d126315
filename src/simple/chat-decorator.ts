import { ConfigurationError } from '../errors/configuration-error.js';
import { createChatCaller } from './chat-caller.js';
import {
  checkOptions,
  type AnyChatFunctionOptions,
  type SchemaOptions,
  type StreamOptions,
  type TextOptions,
} from './chat-function-options.js';
import type { ClientSource } from './client-source.js';
import type { AnySchema, InferOutput } from './standard-schema.js';

/** A method taking `A` and returning `R`, with its `this`. */
export type Method<This, A extends unknown[], R> = (this: This, ...args: A) => R;

/**
 * A TypeScript 5 method decorator that only fits methods declared to return `R`: what callers of
 * the decorated method get. The body returns the prompt (`return prompt(...)`, or a plain string
 * for text).
 */
export type ChatMethodDecorator<R> = <This, A extends unknown[]>(
  target: Method<This, A, R>,
  context: ClassMethodDecoratorContext<This, Method<This, A, R>>,
) => Method<This, A, R>;

export interface ChatDecorator {
  /** `@chat({ schema })`: the method returns `Promise<schema output>`. */
  <S extends AnySchema>(options: SchemaOptions<S>): ChatMethodDecorator<Promise<InferOutput<S>>>;
  /** `@chat({ stream: true })`: the method returns `AsyncIterable<string>`. */
  (options: StreamOptions): ChatMethodDecorator<AsyncIterable<string>>;
  /** `@chat()` or `@chat({ system, model, ... })`: the method returns `Promise<string>`. */
  (options?: TextOptions): ChatMethodDecorator<Promise<string>>;
  /** `@chat` with no options: the method returns `Promise<string>`. */
  <This, A extends unknown[]>(
    target: Method<This, A, Promise<string>>,
    context: ClassMethodDecoratorContext<This, Method<This, A, Promise<string>>>,
  ): Method<This, A, Promise<string>>;
}

const isDecoratorContext = (value: unknown): value is DecoratorContext =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { kind?: unknown }).kind === 'string';

/** The `@chat` decorator over a client (TypeScript 5 standard decorators; no `experimentalDecorators`). */
export function createChatDecorator(source: ClientSource, label = '@chat'): ChatDecorator {
  const decorate = (options: AnyChatFunctionOptions) => {
    const call = createChatCaller(options, source);
    return (target: unknown, context: unknown): Method<unknown, unknown[], unknown> => {
      if (!isDecoratorContext(context) || typeof target !== 'function') {
        throw new ConfigurationError(
          `${label} is a TypeScript 5 decorator: write it on a class method (and turn experimentalDecorators off)`,
        );
      }
      if (context.kind !== 'method') {
        throw new ConfigurationError(`${label} decorates class methods, not a ${context.kind}`);
      }
      const methodName = String(context.name);
      const ownName = (self: unknown): string => {
        if (options.name !== undefined) return options.name;
        const owner = context.static
          ? (self as { name?: unknown } | undefined)?.name
          : (self as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
        return typeof owner === 'string' && owner !== '' ? `${owner}.${methodName}` : methodName;
      };
      const method = target as (...args: unknown[]) => unknown;
      const decorated = function (this: unknown, ...args: unknown[]) {
        return call(method.apply(this, args), ownName(this));
      };
      Object.defineProperty(decorated, 'name', { value: methodName });
      return decorated;
    };
  };

  return ((optionsOrTarget?: unknown, context?: unknown) => {
    if (typeof optionsOrTarget === 'function') return decorate({})(optionsOrTarget, context);
    checkOptions(optionsOrTarget, label);
    return decorate((optionsOrTarget ?? {}) as AnyChatFunctionOptions);
  }) as ChatDecorator;
}
