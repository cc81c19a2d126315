import type { Provider } from '../src/providers/provider.js';

const usage = { promptTokens: 12, completionTokens: 7, totalTokens: 19 };

/**
 * A provider that answers every call at once, in memory, plain or streamed: no network, so what a
 * benchmark times (or a heap reading holds) is the client's and the gateway's own work.
 */
export function instantProvider(
  name = 'local',
  options: {
    /**
     * Answers made fresh per call, as a real provider's are (parsed from its body): the content
     * echoes the prompt, with a request id and provider metadata of their own. Without it every
     * answer shares one content string, which costs nothing to keep (the cache bench needs what
     * keeping a real answer costs).
     */
    freshAnswers?: boolean;
  } = {},
): Provider {
  let id = 0;
  return {
    name,
    type: 'custom',
    model: `${name}-model`,
    chat: async (request) => {
      id += 1;
      const answer = {
        id: `${name}-${id}`,
        created: 1_700_000_000,
        model: request.model,
        content: 'Hello from the in-process provider.',
        finishReason: 'stop' as const,
        usage,
      };
      if (!options.freshAnswers) return answer;
      const last = request.messages.at(-1)?.content;
      return {
        ...answer,
        content: `You said: ${typeof last === 'string' ? last : ''}`,
        usage: { ...usage },
        requestId: `req_${name}_${id}`,
        providerMetadata: { systemFingerprint: `fp_${name}` },
      };
    },
    chatStream: async () =>
      (async function* () {
        yield { type: 'text-delta' as const, delta: 'Hello from ' };
        yield { type: 'text-delta' as const, delta: 'the in-process provider.' };
        yield { type: 'usage' as const, usage };
        yield { type: 'finish' as const, finishReason: 'stop' as const };
      })(),
    healthCheck: async () => ({ ok: true, checkedAt: Date.now(), latencyMs: 0 }),
    close: async () => undefined,
  };
}
