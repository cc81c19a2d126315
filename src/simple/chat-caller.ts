import { ChatFunctionError } from '../errors/chat-function-error.js';
import { mergeCallOptions, type CallOptions } from './call-options.js';
import type { AnyChatFunctionOptions } from './chat-function-options.js';
import { bindingOf, type ClientSource } from './client-source.js';
import { resolvePrompt, silenceRejection, toChatRequest, unwrapPrompt } from './prompt.js';
import {
  splitStructured,
  structuredCompletion,
  type StructuredOutputOptions,
} from './structured-output.js';
import { streamText } from './text-stream.js';

/**
 * Turns what a build function or decorated method returned (a prompt, maybe in a promise) into the
 * answer: text, a text stream, or a validated value. Failures after the prompt is built are
 * ChatFunctionErrors naming the function, with the original error as `cause`; an error the user's
 * own code threw (the build function, the method body) passes through untouched.
 */
export type ChatCaller = (
  built: unknown,
  functionName: string,
) => Promise<unknown> | AsyncIterable<string>;

export function createChatCaller(
  options: AnyChatFunctionOptions,
  source: ClientSource,
): ChatCaller {
  const { name: _name, stream, ...rest } = options;
  let base: CallOptions = rest;
  let structured: StructuredOutputOptions | undefined;
  if (rest.schema !== undefined) {
    const split = splitStructured(rest);
    base = split.request;
    structured = split.structured;
  }

  const requestFor = (input: unknown) => {
    const { messages, overrides } = resolvePrompt(input);
    const { client, defaults } = bindingOf(source);
    return {
      client,
      request: toChatRequest(messages, mergeCallOptions(defaults, base, overrides)),
    };
  };

  if (stream === true) {
    return (built, functionName) => {
      // Unhandled-rejection guard for a stream that is never iterated; iteration still sees it.
      silenceRejection(built);
      return (async function* () {
        const input = await unwrapPrompt(built);
        try {
          const { client, request } = requestFor(input);
          yield* streamText(client, request);
        } catch (cause) {
          throw new ChatFunctionError({ functionName, cause });
        }
      })();
    };
  }

  return async (built, functionName) => {
    const input = await unwrapPrompt(built);
    try {
      const { client, request } = requestFor(input);
      if (structured) return (await structuredCompletion(client, request, structured)).value;
      const response = await client.chatCompletion(request);
      return response.content ?? '';
    } catch (cause) {
      throw new ChatFunctionError({ functionName, cause });
    }
  };
}
