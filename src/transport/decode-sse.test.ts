import { describe, expect, it } from 'vitest';
import { decodeSse } from './decode-sse.js';
import { readStreamText } from './read-stream-text.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? bytes(part) : part;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Every split of `data` into two network chunks, at every byte. */
function splits(data: Uint8Array): [Uint8Array, Uint8Array][] {
  return Array.from({ length: data.length + 1 }, (_, i) => [data.slice(0, i), data.slice(i)]);
}

describe('decodeSse', () => {
  it('a multi-byte character split across chunks at any byte comes out whole', async () => {
    const text = 'data: {"t":"héllo 👋🏽 שלום e\u0301"}\n\n';
    for (const [a, b] of splits(bytes(text))) {
      const events = await collect(decodeSse(chunksOf(a, b)));
      expect(events.map((e) => e.data)).toEqual(['{"t":"héllo 👋🏽 שלום e\u0301"}']);
    }
  });

  it('named events, multi-line data and comments; CRLF line ends', async () => {
    const events = await collect(
      decodeSse(
        chunksOf(
          ': keep-alive\r\n\r\n',
          'event: message_start\r\ndata: {"a":1}\r\n\r\n',
          'data: line one\ndata: line two\n\n',
        ),
      ),
    );
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ['message_start', '{"a":1}'],
      [undefined, 'line one\nline two'],
    ]);
  });

  it('events that arrive in one chunk are all yielded; a trailing event without its blank line is dropped', async () => {
    const events = await collect(
      decodeSse(chunksOf('data: 1\n\ndata: 2\n\ndata: 3\n', 'data: [DONE]')),
    );
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
  });

  it('an empty body yields nothing', async () => {
    expect(await collect(decodeSse(chunksOf()))).toEqual([]);
  });
});

describe('readStreamText', () => {
  it('reads the whole body, multi-byte characters split across chunks included', async () => {
    const data = bytes('{"error":"ünïcödé 👋"}');
    for (const [a, b] of splits(data)) {
      expect(await readStreamText(chunksOf(a, b))).toBe('{"error":"ünïcödé 👋"}');
    }
  });

  it('keeps at most maxBytes, and still reads the body to its end', async () => {
    let read = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (const part of ['abcd', 'efgh', 'ijkl']) {
        read += 1;
        yield bytes(part);
      }
    }
    expect(await readStreamText(counted(), 6)).toBe('abcdef');
    expect(read).toBe(3);
  });
});
