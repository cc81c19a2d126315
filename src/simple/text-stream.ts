import type { ChatRequest } from '../types/request.js';
import type { ChatClient } from '../client/chat-client.js';

/**
 * The answer's text as it streams. Failover before the first text is transparent (the ChatStream
 * contract); leaving the loop early aborts the upstream request.
 */
export async function* streamText(
  client: ChatClient,
  request: ChatRequest,
): AsyncGenerator<string> {
  const stream = client.chatCompletionStream(request);
  for await (const chunk of stream) {
    if (chunk.type === 'text-delta' && chunk.delta !== '') yield chunk.delta;
  }
}
