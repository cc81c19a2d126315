import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type SseEvent = EventSourceMessage;

/**
 * Decodes a Server-Sent Events byte stream into events: the one place SSE is parsed. UTF-8 is
 * decoded in streaming mode, so a multi-byte character split across network chunks comes out
 * whole; a trailing event without its blank line is dropped, as the SSE specification says.
 */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  let pending: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (pending.length) {
      const ready = pending;
      pending = [];
      for (const event of ready) yield event;
    }
  }
  parser.feed(decoder.decode());
  for (const event of pending) yield event;
}
