import type { ChatClient } from '../client/chat-client.js';
import type { CallOptions } from './call-options.js';

/** The client a simple call uses, with default options under the call's own. */
export interface ClientBinding {
  client: ChatClient;
  defaults?: CallOptions | undefined;
}

/** A fixed binding (`ai.ask`), or one looked up at call time (the global client). */
export type ClientSource = ClientBinding | (() => ClientBinding);

export const bindingOf = (source: ClientSource): ClientBinding =>
  typeof source === 'function' ? source() : source;
