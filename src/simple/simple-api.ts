import { createAsk, type AskFunction } from './ask.js';
import type { ChatClient } from '../client/chat-client.js';
import { createChatDecorator, type ChatDecorator } from './chat-decorator.js';
import { createFn, type FnFactory } from './fn.js';

/** `ask`, `fn` and `chat` bound to one client: what `ai.ask`, `ai.fn` and `@ai.chat` are. */
export interface SimpleApi {
  ask: AskFunction;
  fn: FnFactory;
  chat: ChatDecorator;
}

export function bindSimpleApi(client: ChatClient): SimpleApi {
  const binding = { client };
  return {
    ask: createAsk(binding),
    fn: createFn(binding),
    chat: createChatDecorator(binding, '@ai.chat'),
  };
}
