import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimWire, type SimAnswer } from '../src/testing/index.js';

/**
 * An OpenAI-wire upstream that answers every chat call with the whole stream in one write — the
 * simulator's own events, built ahead once — so the client, not the upstream's pacing, sets the
 * chunk rate. For measuring how fast a client can take chunks in.
 */
export async function startBurstUpstream(chunks: readonly string[]): Promise<string> {
  const wire = createSimWire('openai');
  const answer: SimAnswer = {
    id: 'chatcmpl-burst',
    created: Math.floor(Date.now() / 1000),
    model: 'sim-model',
    content: chunks.join(''),
    toolCalls: [],
    finishReason: 'stop',
    promptTokens: 10,
    completionTokens: chunks.length,
    chunks: [...chunks],
    requestId: 'req_burst',
  };
  const { events } = wire.streamEvents(answer, true);
  const terminator = wire.streamTerminator ? [wire.streamTerminator] : [];
  const body = Buffer.from(
    [...events, ...terminator].map((event) => `data: ${event.data}\n\n`).join(''),
    'utf8',
  );
  const server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'content-length': body.byteLength,
        'x-request-id': answer.requestId,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}${wire.baseURLPath}`;
}
