import type { ServableClient } from '../../src/client/chat-client.js';
import { ChatStream, type StreamController } from '../../src/client/chat-stream.js';
import type { ProviderStatus } from '../../src/client/provider-status.js';
import type { RequestOptions } from '../../src/client/request-context.js';
import type { FlexiAIConfigInput } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/parse-config.js';
import type { SyncStatus } from '../../src/state/circuit-state-sync.js';
import type { ChatRequest } from '../../src/types/request.js';
import type { ChatResponse } from '../../src/types/response.js';
import type { StreamChunk } from '../../src/types/stream-chunk.js';

/** One call the gateway made on the client: the request and its options. */
export interface ClientCall {
  request: ChatRequest;
  options: RequestOptions | undefined;
}

/** A stream's script: runs with the stream's controller; yields chunks, returns the final answer. */
export type StreamScript = (
  controller: StreamController,
) => AsyncGenerator<StreamChunk, ChatResponse, undefined>;

/** A successful unified response (what a provider call would have produced). */
export const chatResponse = (fields: Partial<ChatResponse> = {}): ChatResponse => ({
  id: 'chatcmpl-scripted',
  created: 1_700_000_000,
  model: 'model-a',
  content: 'scripted answer',
  finishReason: 'stop',
  usage: { promptTokens: 2, completionTokens: 3, totalTokens: 5 },
  provider: 'a',
  attempts: [{ provider: 'a', model: 'model-a', ok: true, latencyMs: 1 }],
  latencyMs: 1,
  correlationId: 'req_scripted',
  ...fields,
});

/** A provider as /health and /readyz report it. */
export const providerStatus = (name: string, healthy: boolean): ProviderStatus => ({
  name,
  type: 'openai-compatible',
  model: `model-${name}`,
  priority: 1,
  enabled: true,
  state: healthy ? 'closed' : 'open',
  failures: healthy ? 0 : 5,
  openUntil: healthy ? null : Date.now() + 60_000,
  cooldownUntil: null,
  misconfigured: false,
  healthy,
  version: 1,
});

/**
 * A ServableClient with no providers behind it: each chat call runs `chat`, each stream runs
 * `stream` (both replaceable per test), and every call is recorded. For testing the gateway's
 * own behaviour (HTTP mapping, SSE writing, aborts, shutdown) with no failover in between.
 */
export class ScriptedClient implements ServableClient {
  readonly config: ServableClient['config'];
  readonly calls: ClientCall[] = [];
  providers: ProviderStatus[] = [providerStatus('a', true)];
  chat: (request: ChatRequest) => Promise<ChatResponse> = async () => chatResponse();
  stream: StreamScript = async function* () {
    yield { type: 'text-delta', delta: 'hi' };
    return chatResponse({ content: 'hi' });
  };

  constructor(server: NonNullable<FlexiAIConfigInput['server']> = {}) {
    this.config = parseConfig(
      {
        providers: [
          {
            name: 'a',
            type: 'openai-compatible',
            baseURL: 'http://127.0.0.1:9/v1',
            apiKey: 'sk-unused',
            model: 'model-a',
          },
        ],
        server: { port: 0, ...server },
      },
      { env: false },
    );
  }

  chatCompletion(request: ChatRequest, options?: RequestOptions): Promise<ChatResponse> {
    this.calls.push({ request, options });
    return this.chat(request);
  }

  chatCompletionStream(request: ChatRequest, options?: RequestOptions): ChatStream {
    this.calls.push({ request, options });
    return new ChatStream(this.stream);
  }

  getProviderStatus(): ProviderStatus[] {
    return this.providers;
  }

  getSyncStatus(): SyncStatus {
    return { backend: 'memory', health: 'memory' };
  }

  knownModels(): string[] {
    return ['default', 'a', 'model-a'];
  }
}

/** A promise that resolves when `signal` aborts (at once when it already has). */
export const aborted = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (!signal) throw new Error('no signal');
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
