import type { ChatStream } from '../client/chat-stream.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';

/**
 * What the simple API needs of a client: `FlexiAI` is one, and so is anything with these two
 * methods (a test double, a client wrapped in middleware).
 */
export interface ChatClient {
  chatCompletion(request: ChatRequest): Promise<ChatResponse>;
  chatCompletionStream(request: ChatRequest): ChatStream;
}
