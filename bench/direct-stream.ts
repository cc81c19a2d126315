import { createParser } from 'eventsource-parser';
import type { Agent } from 'undici';

export interface DirectStreamTarget {
  agent: Agent;
  /** `http://host:port` of the upstream. */
  origin: string;
  /** Path of the chat completions endpoint. */
  path: string;
  /** The exact JSON body FlexiAI sends for the same request. */
  body: string;
}

/** OpenAI's streamed chunk, as far as the baseline reads it. */
interface WireChunk {
  choices?: { delta?: { content?: string | null } }[];
}

/**
 * The baseline of the streaming benchmarks: one streamed chat completion with undici and an SSE
 * decoder (eventsource-parser, the one FlexiAI uses), each event JSON-parsed, no validation, no
 * failover. Calls `onToken` at every text delta and resolves with their count.
 */
export async function directStream(
  target: DirectStreamTarget,
  onToken: (text: string) => void = () => undefined,
): Promise<number> {
  const response = await target.agent.request({
    origin: target.origin,
    path: target.path,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: 'Bearer sk-bench',
    },
    body: target.body,
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`upstream answered ${response.statusCode}`);
  }
  let tokens = 0;
  let done = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = JSON.parse(event.data) as WireChunk;
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) {
        tokens += 1;
        onToken(text);
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of response.body) parser.feed(decoder.decode(bytes, { stream: true }));
  if (!done) throw new Error('stream ended without [DONE]');
  return tokens;
}

/** The body FlexiAI's OpenAI adapter sends for a streamed request of these messages. */
export function streamBody(messages: readonly { role: string; content: string }[]): string {
  return JSON.stringify({
    model: 'sim-model',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
}
