import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP server in front of a simulated provider that can hold the provider's answers
 * until the test releases them: a request reaches the provider (and is counted there) at once, its
 * answer waits at the gate. For tests that need a call "in flight" exactly until an event (e.g. a
 * circuit probe held until every other worker's request has been served) instead of a slow fault of
 * a fixed number of seconds that a loaded machine may outlast.
 */
export interface AnswerGate {
  /** The provider's base URL, through the gate. */
  baseURL: string;
  /** Holds every answer from now on until {@link release}. */
  hold(): void;
  /** Delivers the held answers (and lets later ones through). */
  release(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startAnswerGate(providerBaseURL: string): Promise<AnswerGate> {
  const target = new URL(providerBaseURL);
  let held: Promise<void> = Promise.resolve();
  let release = () => {};
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const headers = Object.entries(req.headers).flatMap(([name, value]) =>
          typeof value === 'string' && name !== 'host' && !HOP_BY_HOP.has(name)
            ? [[name, value] as [string, string]]
            : [],
        );
        const gate = held; // the gate as it was when the request arrived
        const upstream = await fetch(new URL(req.url ?? '/', target.origin), {
          method: req.method,
          headers,
          ...(body.length > 0 ? { body } : {}),
        });
        const answer = Buffer.from(await upstream.arrayBuffer());
        await gate;
        const out: Record<string, string> = {};
        upstream.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out[name] = value;
        });
        res.writeHead(upstream.status, out).end(answer);
      } catch {
        res.destroy();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    hold: () => {
      held = new Promise((resolve) => (release = resolve));
    },
    release: () => {
      release();
      held = Promise.resolve();
    },
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
