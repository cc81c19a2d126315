import { ConfigurationError } from '../errors/configuration-error.js';
import { createAsk, type AskFunction } from './ask.js';
import type { CallOptions } from './call-options.js';
import type { ChatClient } from '../client/chat-client.js';
import { createChatDecorator, type ChatDecorator } from './chat-decorator.js';
import { checkOptions } from './chat-function-options.js';
import type { ClientBinding } from './client-source.js';
import { createFn, type FnFactory } from './fn.js';

interface GlobalState extends ClientBinding {
  /** Set when FlexiAI made the client (`setGlobalConfig`): it is closed when replaced or cleared. */
  close: (() => Promise<void>) | undefined;
}

// On globalThis, so the ESM and CommonJS builds (or two copies of the package) share one global.
const KEY = Symbol.for('flexiai.simple.globalClient');
const store = globalThis as { [KEY]?: GlobalState };

/**
 * Makes `client` the one the standalone `chat`, `ask` and `fn` use, with `defaults` (system
 * message, model, sampling, ...) under every call's own options. The caller keeps owning `client`.
 */
export function setGlobalClient(client: ChatClient, defaults?: CallOptions): void {
  setGlobal(client, defaults, undefined);
}

/** As `setGlobalClient`, for a client the library made and closes when it is replaced (`FlexiAI.setGlobalConfig`). */
export function setOwnedGlobalClient(
  client: ChatClient,
  defaults: CallOptions | undefined,
  close: () => Promise<void>,
): void {
  setGlobal(client, defaults, close);
}

function setGlobal(
  client: ChatClient,
  defaults: CallOptions | undefined,
  close: (() => Promise<void>) | undefined,
): void {
  if (
    typeof client?.chatCompletion !== 'function' ||
    typeof client?.chatCompletionStream !== 'function'
  ) {
    throw new ConfigurationError(
      'setGlobalClient: expected a FlexiAI client (an object with chatCompletion and chatCompletionStream)',
    );
  }
  checkOptions(defaults, 'Global defaults', true);
  const previous = store[KEY];
  store[KEY] = { client, defaults, close };
  if (previous?.close && previous.client !== client) void previous.close().catch(() => undefined);
}

/** The global client, if one is set. */
export function getGlobalClient(): ChatClient | undefined {
  return store[KEY]?.client;
}

/** Unsets the global client, closing it when `FlexiAI.setGlobalConfig` made it. */
export async function clearGlobalClient(): Promise<void> {
  const previous = store[KEY];
  store[KEY] = undefined;
  await previous?.close?.();
}

const globalBinding = (): ClientBinding => {
  const state = store[KEY];
  if (!state) {
    throw new ConfigurationError(
      'No global FlexiAI client: call FlexiAI.setGlobalConfig(config) or setGlobalClient(ai) first, ' +
        'or use a client of your own (ai.ask, ai.fn, @ai.chat)',
    );
  }
  return state;
};

/**
 * `@chat(options)` on the global client: the decorated method's body returns the prompt; callers
 * get the answer. The client is looked up at each call, so decorating before `setGlobalConfig` is fine.
 */
export const chat: ChatDecorator = createChatDecorator(globalBinding);

/** `ask(prompt, options?)` on the global client. */
export const ask: AskFunction = createAsk(globalBinding);

/** `fn(options, build)` on the global client. */
export const fn: FnFactory = createFn(globalBinding);
