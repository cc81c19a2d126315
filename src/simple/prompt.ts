import { ValidationError } from '../errors/validation-error.js';
import type { ChatRequest } from '../types/request.js';
import type { CallOptions, Messages } from './call-options.js';

/** A prompt with options for this one call (they override the function's and the global ones). */
export type PromptSpec = CallOptions &
  ({ prompt: string; messages?: undefined } | { messages: Messages; prompt?: undefined });

/** What a wrapped function or a decorated method gives: a user prompt, messages, or either with options. */
export type PromptInput = string | Messages | PromptSpec;

const PROMPT = Symbol.for('flexiai.prompt');
/** Stops at the first non-blank character (no copy of the prompt, unlike trim()). */
const NON_BLANK = /\S/;

interface PromptMarker {
  readonly [PROMPT]: PromptInput | PromiseLike<PromptInput>;
}

/**
 * Returns the prompt from a method decorated with `@chat`. Typed `never` so it fits whatever answer
 * type the method declares (`Promise<string>`, `AsyncIterable<string>`, `Promise<Person>`): the
 * decorator sends the prompt and gives the caller the answer. Use it only as `return prompt(...)`
 * in a decorated method.
 */
export function prompt(input: PromptInput | PromiseLike<PromptInput>): never {
  return { [PROMPT]: input } as PromptMarker as never;
}

const isMarker = (value: unknown): value is PromptMarker =>
  typeof value === 'object' && value !== null && PROMPT in value;

const badPrompt = (message: string): ValidationError =>
  new ValidationError([{ path: 'prompt', message }]);

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/** A prompt and the call options it carries, from what a build function or method returned. */
export interface ResolvedPrompt {
  messages: Messages;
  overrides: CallOptions | undefined;
}

/**
 * What a build function or method body gave, with promises and `prompt(...)` unwrapped. A
 * rejection here is the user's own error.
 */
export async function unwrapPrompt(value: unknown): Promise<unknown> {
  const input = await value;
  return isMarker(input) ? await input[PROMPT] : input;
}

/** Keeps a rejected prompt that nobody awaits (a stream never iterated) from going unhandled. */
export function silenceRejection(value: unknown): void {
  const inner = isMarker(value) ? value[PROMPT] : value;
  if (typeof (inner as PromiseLike<unknown> | null)?.then === 'function') {
    (inner as PromiseLike<unknown>).then(undefined, () => undefined);
  }
}

/** Checks a prompt's shape: a ValidationError before any call. */
export function resolvePrompt(input: unknown): ResolvedPrompt {
  if (typeof input === 'string') return { messages: userMessages(input), overrides: undefined };
  if (Array.isArray(input))
    return { messages: checkMessages(input as Messages), overrides: undefined };
  if (typeof input === 'object' && input !== null) {
    const { prompt: text, messages, ...overrides } = input as PromptSpec;
    if ((text === undefined) === (messages === undefined)) {
      throw badPrompt('an options object needs exactly one of `prompt` (a string) or `messages`');
    }
    if (text !== undefined) {
      if (typeof text !== 'string')
        throw badPrompt(`\`prompt\` must be a string, got ${describe(text)}`);
      return { messages: userMessages(text), overrides };
    }
    if (!Array.isArray(messages))
      throw badPrompt(`\`messages\` must be an array, got ${describe(messages)}`);
    return { messages: checkMessages(messages), overrides };
  }
  throw badPrompt(
    `must be a string, an array of messages, or { prompt | messages, ...options }; got ${describe(input)}`,
  );
}

/** One user message; an empty prompt is refused (it is always a mistake, and costs a call). */
export function userMessages(text: string): Messages {
  if (!NON_BLANK.test(text)) throw badPrompt('is empty');
  return [{ role: 'user', content: text }];
}

function checkMessages(messages: Messages): Messages {
  if (messages.length === 0) throw badPrompt('has no messages');
  return messages;
}

/** The request for `chatCompletion`: the system message first, then the messages, then the options. */
export function toChatRequest(messages: Messages, options: CallOptions): ChatRequest {
  const { system, ...rest } = options;
  if (system === undefined) return { ...rest, messages };
  if (typeof system !== 'string') throw badPrompt('`system` must be a string');
  return { ...rest, messages: [{ role: 'system', content: system }, ...messages] };
}
