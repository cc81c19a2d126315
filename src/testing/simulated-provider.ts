import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Fault, OkReply } from './faults.js';
import {
  cutText,
  estimateTokens,
  simEmbedding,
  type SimAnswer,
  type SimEmbeddingAnswer,
  type SimOperation,
  type SimStreamEvent,
  type SimWire,
} from './sim-wire.js';

import { createSimWire, type SimWireName } from './sim-wires.js';

export interface SimulatedProviderOptions {
  /** Wire format spoken; `openai` by default. */
  wire?: SimWireName | SimWire;
  /** Shown in echo replies and logs. */
  name?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** When set, requests without this credential get the provider's 401. */
  apiKey?: string;
  /** Answer when no fault is queued; an echo of the prompt by default. */
  defaultReply?: Fault | ((request: RecordedRequest) => Fault);
  /** Largest request body accepted (413 above). */
  maxRequestBytes?: number;
}

/** A request the simulator received. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
  /** `chat` for completions (streamed or not), `models` for model lists, `unknown` otherwise. */
  operation: 'chat' | 'models' | 'embed' | 'unknown';
  stream: boolean;
  receivedAt: number;
  /** The fault it was answered with. */
  fault: Fault['kind'] | 'unauthorized' | 'not_found';
}

/**
 * A local HTTP server speaking a provider's real wire format, with scriptable faults and a log of
 * the requests it received. For the project's tests, the demo, the gateway's embedded default, and
 * users testing their own failover.
 */
export class SimulatedProvider {
  readonly name: string;
  readonly requests: RecordedRequest[] = [];
  private readonly wire: SimWire;
  private readonly options: SimulatedProviderOptions;
  private readonly queue: Fault[] = [];
  private defaultReply: Fault | ((request: RecordedRequest) => Fault);
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private address: AddressInfo | undefined;
  private counter = 0;
  private accepted = 0;

  constructor(options: SimulatedProviderOptions = {}) {
    this.options = options;
    this.wire =
      typeof options.wire === 'object' ? options.wire : createSimWire(options.wire ?? 'openai');
    this.name = options.name ?? `sim-${this.wire.name}`;
    this.defaultReply = options.defaultReply ?? { kind: 'ok' };
  }

  /** `http://host:port`. */
  get url(): string {
    if (!this.address) throw new Error('simulated provider is not listening');
    const host =
      this.address.family === 'IPv6' ? `[${this.address.address}]` : this.address.address;
    return `http://${host}:${this.address.port}`;
  }

  /** The base URL an SDK or FlexiAI provider config uses (`<url>/v1` for OpenAI). */
  get baseURL(): string {
    return `${this.url}${this.wire.baseURLPath}`;
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  /** Connections accepted since start (keep-alive reuse shows as few connections for many calls). */
  get connectionsAccepted(): number {
    return this.accepted;
  }

  /** Connections currently open to this simulator (to check that clients close what they abandon). */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** Chat calls received (streamed or not): the number tests usually assert on. */
  get chatCalls(): number {
    return this.requests.filter((r) => r.operation === 'chat').length;
  }

  /** Embedding calls received. */
  get embedCalls(): number {
    return this.requests.filter((r) => r.operation === 'embed').length;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    // Idle connections stay open a minute, as the real APIs (behind CDNs) keep them: the client's
    // pool closes its idle sockets first (after 4 s). With 5 s here, a client whose event loop
    // lagged by a second (a busy CI machine) reused sockets this server was closing, and its
    // requests failed with "connection closed by the server".
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      this.accepted += 1;
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.address = server.address() as AddressInfo;
    return this;
  }

  /** Queues faults answered in order, one per chat call; then the default reply resumes. */
  enqueue(...faults: Fault[]): this {
    this.queue.push(...faults);
    return this;
  }

  /** Sets the answer used when nothing is queued. */
  setDefault(reply: Fault | ((request: RecordedRequest) => Fault)): this {
    this.defaultReply = reply;
    return this;
  }

  /** Clears the log, the queue and the default reply. */
  reset(): this {
    this.requests.length = 0;
    this.queue.length = 0;
    this.defaultReply = this.options.defaultReply ?? { kind: 'ok' };
    return this;
  }

  /** Stops listening and destroys every open connection (hung requests included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req, this.options.maxRequestBytes ?? 64 * 1024 * 1024).catch(
      () => undefined,
    );
    if (text === undefined) {
      res.writeHead(413).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://simulator');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Recorded raw.
    }
    const operation = this.wire.route(req.method ?? 'GET', url.pathname, body);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      url: `${url.pathname}${url.search}`,
      headers: { ...req.headers },
      body,
      operation: operation?.kind ?? 'unknown',
      stream: operation?.stream ?? false,
      receivedAt: Date.now(),
      fault: 'ok',
    };
    this.requests.push(record);

    if (!operation) {
      record.fault = 'not_found';
      this.sendJson(
        res,
        404,
        this.wire.errorBody(
          404,
          `No route for ${record.method} ${record.path}`,
          undefined,
          undefined,
        ),
      );
      return;
    }
    if (
      this.options.apiKey !== undefined &&
      !this.wire.authorized(req.headers, url, this.options.apiKey)
    ) {
      record.fault = 'unauthorized';
      this.sendJson(
        res,
        401,
        this.wire.errorBody(401, 'Incorrect API key provided.', undefined, 'invalid_api_key'),
      );
      return;
    }
    if (operation.kind === 'models') {
      this.sendJson(res, 200, this.wire.models(operation.model || 'simulated-model'));
      return;
    }

    const next = this.queue.shift() ?? this.defaultReply;
    const fault = typeof next === 'function' ? next(record) : next;
    record.fault = fault.kind;
    if (fault.delayMs) await delay(fault.delayMs);
    if (req.socket.destroyed) return;
    await this.answer(fault, operation.stream, operation.model, body, req, res, operation.kind);
  }

  private async answer(
    fault: Fault,
    stream: boolean,
    model: string,
    body: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    operation: SimOperation['kind'] = 'chat',
  ): Promise<void> {
    switch (fault.kind) {
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [{"message": ');
        return;
      case 'error-in-200':
        this.sendJson(
          res,
          200,
          this.wire.errorInSuccess(
            fault.message ?? 'The server had an error while processing your request.',
          ),
        );
        return;
      case 'huge':
        await this.sendHuge(res, fault.bytes, fault.declareLength ?? false);
        return;
      case 'status': {
        const headers: Record<string, string> = { ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        if (fault.retryAfterMs !== undefined)
          headers['retry-after-ms'] = String(fault.retryAfterMs);
        if (fault.body !== undefined) {
          res.writeHead(fault.status, { 'content-type': 'application/json', ...headers });
          res.end(fault.body);
          return;
        }
        const message = fault.message ?? defaultMessage(fault.status);
        this.sendJson(
          res,
          fault.status,
          this.wire.errorBody(fault.status, message, fault.type, fault.code),
          headers,
        );
        return;
      }
      case 'ok': {
        if (operation === 'embed') {
          this.sendEmbeddings(res, model, body);
          return;
        }
        const answer = this.resolveAnswer(fault, model, body);
        if (stream) await this.sendStream(res, answer, fault, body);
        else
          this.sendJson(res, 200, this.wire.completion(answer), {
            [this.wire.requestIdHeader]: answer.requestId,
          });
        return;
      }
      default: {
        const answer = this.resolveAnswer({ kind: 'ok', ...fault.reply }, model, body);
        await this.sendStream(res, answer, { kind: 'ok', ...fault.reply }, body, fault);
      }
    }
  }

  /** Deterministic vectors from each text (`simEmbedding`), in the wire's embeddings shape. */
  private sendEmbeddings(res: ServerResponse, model: string, body: unknown): void {
    this.counter += 1;
    const { texts, dimensions } = this.wire.embedInputs?.(body) ?? { texts: [] };
    const tokenCounts = texts.map((text) => estimateTokens(text));
    const answer: SimEmbeddingAnswer = {
      model,
      vectors: texts.map((text) => simEmbedding(text, dimensions)),
      tokenCounts,
      promptTokens: tokenCounts.reduce((a, b) => a + b, 0),
    };
    this.sendJson(res, 200, this.wire.embeddings?.(answer, body), {
      [this.wire.requestIdHeader]: `req_sim_${this.counter}`,
    });
  }

  private resolveAnswer(reply: OkReply, model: string, body: unknown): SimAnswer {
    this.counter += 1;
    const prompt = this.wire.promptText(body);
    const lastLine = prompt.split('\n').filter(Boolean).at(-1) ?? '';
    const content =
      reply.content !== undefined
        ? reply.content
        : reply.toolCalls?.length
          ? null
          : `(${this.name}) You said: ${lastLine}`;
    const toolCalls = reply.toolCalls ?? [];
    const chunks = reply.chunks ?? (content ? cutText(content, reply.chunkChars ?? 4) : []);
    return {
      id: `chatcmpl-sim-${this.port}-${this.counter}`,
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? model,
      content,
      toolCalls,
      finishReason: reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
      promptTokens: reply.usage?.promptTokens ?? estimateTokens(prompt),
      completionTokens:
        reply.usage?.completionTokens ??
        estimateTokens((content ?? '') + JSON.stringify(toolCalls)),
      chunks,
      requestId: `req_sim_${this.port}_${this.counter}`,
      ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
      ...(reply.wireExtras ? { wireExtras: reply.wireExtras } : {}),
    };
  }

  private sendJson(
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private async sendHuge(
    res: ServerResponse,
    bytes: number,
    declareLength: boolean,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(bytes) } : {}),
    });
    const block = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    while (sent < bytes && !res.destroyed) {
      const size = Math.min(block.length, bytes - sent);
      const ok = res.write(size === block.length ? block : block.subarray(0, size));
      sent += size;
      if (!ok)
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
    }
    if (!res.destroyed) res.end();
  }

  private async sendStream(
    res: ServerResponse,
    answer: SimAnswer,
    reply: OkReply,
    body: unknown,
    streamFault?: Exclude<
      Fault,
      OkReply | { kind: 'status' | 'hang' | 'reset' | 'malformed' | 'error-in-200' | 'huge' }
    >,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      [this.wire.requestIdHeader]: answer.requestId,
    });
    // The headers go out now, as a real server's do: a fault before the first event still comes
    // after a 200 (and not as a failure to answer at all).
    res.flushHeaders();
    const { events, textEventIndexes } = this.wire.streamEvents(
      answer,
      this.wire.wantsStreamUsage(body),
    );
    const terminator = this.wire.streamTerminator;
    const all = terminator ? [...events, terminator] : events;
    // Where a stream fault strikes: right after the n-th text event, or right before the first one
    // (-1 when the wire's first event already carries text, as Gemini's does: then nothing is sent).
    const cutAfter =
      streamFault === undefined
        ? undefined
        : streamFault.afterChunks <= 0
          ? (textEventIndexes[0] ?? 1) - 1
          : (textEventIndexes[streamFault.afterChunks - 1] ?? all.length - 1);
    const frames = (cutAfter === undefined ? all : all.slice(0, cutAfter + 1)).map(frame);
    const write = async (text: string): Promise<void> => {
      const bytes = Buffer.from(text, 'utf8');
      const step = reply.writeBytes ?? bytes.length;
      for (let offset = 0; offset < bytes.length && !res.destroyed; offset += step) {
        // Wait for each write to reach the socket, so a cut after it really comes after it.
        await new Promise<void>((resolve) =>
          res.write(bytes.subarray(offset, offset + step), () => resolve()),
        );
        if (reply.writeBytes) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    for (const text of frames) {
      if (res.destroyed) return;
      await write(text);
      if (reply.chunkDelayMs) await delay(reply.chunkDelayMs);
    }
    if (!streamFault) {
      if (reply.endDelayMs) await delay(reply.endDelayMs);
      res.end();
      return;
    }
    switch (streamFault.kind) {
      case 'stream-cut':
        res.socket?.destroy();
        return;
      case 'stream-stall':
        return; // silent, connection open until the client gives up or the server closes
      case 'stream-error':
        await write(
          frame(this.wire.streamError(streamFault.message ?? 'Overloaded', streamFault.type)),
        );
        res.end();
        return;
      case 'stream-malformed': {
        await write(
          this.wire.malformedStreamFrame ?? 'data: {"choices": [{"delta": {"content": \n\n',
        );
        for (const text of all.slice((cutAfter ?? 0) + 1).map(frame)) await write(text);
        res.end();
        return;
      }
    }
  }
}

/** Starts a simulated provider. */
export async function createSimulatedProvider(
  options: SimulatedProviderOptions = {},
): Promise<SimulatedProvider> {
  return new SimulatedProvider(options).start();
}

const frame = (event: SimStreamEvent): string =>
  `${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function defaultMessage(status: number): string {
  if (status === 429) return 'Rate limit reached. Please try again later.';
  if (status === 401) return 'Incorrect API key provided.';
  if (status === 403) return 'You are not allowed to sample from this model.';
  if (status === 404) return 'The model does not exist or you do not have access to it.';
  if (status >= 500) return 'The server had an error while processing your request.';
  return 'Invalid request.';
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
