import { AbortedError } from '../errors/aborted-error.js';
import type { Attempt } from '../types/attempt.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';
import { replayResponse } from './replay-response.js';
import { StreamAggregator } from './stream-aggregator.js';

/** The provider a stream committed to, and the attempts it took to get there. */
export interface StreamCommit {
  provider: string;
  model: string;
  attempts: readonly Attempt[];
}

/** What a stream's source is handed: the stream's abort signal, and where to report its commit. */
export interface StreamController {
  readonly signal: AbortSignal;
  /** Reports the provider the stream committed to; call it before yielding the first output. */
  commit(info: StreamCommit): void;
}

/** Yields the chunks, in order, and returns the final response once the stream completed. */
export type StreamSource = (
  controller: StreamController,
) => AsyncGenerator<StreamChunk, ChatResponse, undefined>;

/** Watches a stream without changing it (see `ChatStream.observe`). */
export interface StreamObserver {
  onChunk?(chunk: StreamChunk): void;
  /** The stream completed; its final response. */
  onEnd?(response: ChatResponse): void;
  /** The stream failed, was aborted, or was abandoned before it completed. */
  onError?(error: unknown): void;
}

type Settled = { ok: true; response: ChatResponse } | { ok: false; error: unknown };
const settledHooks = new WeakMap<ChatStream, ((outcome: Settled) => void)[]>();

/**
 * A streamed chat completion: an AsyncIterable of typed chunks, plus the final aggregated response.
 * The request starts when you iterate or call `finalResponse()`. Breaking out of the loop, or
 * `abort()`, aborts the upstream request at once.
 *
 * Middleware builds streams with `ChatStream.fromResponse` (a stored answer replayed as chunks),
 * `ChatStream.fromChunks`, `ChatStream.defer`, or `stream.observe(...)`; they behave exactly like
 * live ones for the caller and for the gateway (commit info, final response, abort).
 */
export class ChatStream implements AsyncIterable<StreamChunk> {
  private readonly final: Promise<ChatResponse>;
  private resolveFinal!: (response: ChatResponse) => void;
  private rejectFinal!: (error: unknown) => void;
  private started = false;
  private readonly controller = new AbortController();
  private commitInfo: StreamCommit | undefined;

  constructor(private readonly source: StreamSource) {
    this.final = new Promise<ChatResponse>((resolve, reject) => {
      this.resolveFinal = resolve;
      this.rejectFinal = reject;
    });
    // The final promise is optional to await; never an unhandled rejection.
    this.final.catch(() => undefined);
  }

  /** A stored response replayed as a stream (a cache hit): committed at once, same chunks as live. */
  static fromResponse(response: ChatResponse): ChatStream {
    return new ChatStream(async function* (controller) {
      controller.commit({
        provider: response.provider,
        model: response.model,
        attempts: response.attempts,
      });
      yield* replayResponse(response);
      return response;
    });
  }

  /**
   * A stream of chunks from anywhere (e.g. stored parts), committed to `info.provider` at once; the
   * final response is the chunks folded together as a live stream's would be.
   */
  static fromChunks(
    chunks: AsyncIterable<StreamChunk> | Iterable<StreamChunk>,
    info: { provider: string; model: string; attempts?: readonly Attempt[]; correlationId: string },
  ): ChatStream {
    return new ChatStream(async function* (controller) {
      const attempts = [...(info.attempts ?? [])];
      controller.commit({ provider: info.provider, model: info.model, attempts });
      const aggregator = new StreamAggregator();
      const started = performance.now();
      for await (const chunk of chunks) {
        if (controller.signal.aborted) throw controller.signal.reason;
        aggregator.add(chunk);
        yield chunk;
      }
      return {
        ...aggregator.result(info.model),
        provider: info.provider,
        attempts,
        latencyMs: performance.now() - started,
        correlationId: info.correlationId,
      };
    });
  }

  /** A stream made later (e.g. after an async step); aborting this one aborts the one made. */
  static defer(make: () => Promise<ChatStream>): ChatStream {
    return new ChatStream(async function* (controller) {
      return yield* pipe(await make(), controller);
    });
  }

  /** The same stream, with an observer called on each chunk and at its end; starts nothing. */
  observe(observer: StreamObserver): ChatStream {
    return new ChatStream((controller) => observed(this, observer, controller));
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
    if (this.started) throw new TypeError('A ChatStream can be iterated once');
    this.started = true;
    return this.consume();
  }

  /** The aggregated response once the stream completes; drains the stream if nobody iterates it. */
  finalResponse(): Promise<ChatResponse> {
    if (!this.started) {
      void (async () => {
        for await (const _chunk of this) {
          // draining
        }
      })().catch(() => undefined);
    }
    return this.final;
  }

  /** Set once the stream is committed to a provider (its first output arrived). */
  get committed(): StreamCommit | undefined {
    return this.commitInfo;
  }

  /** Aborts the stream and its upstream request. */
  abort(reason?: unknown): void {
    this.controller.abort(reason ?? new AbortedError('The stream was aborted'));
  }

  private async *consume(): AsyncGenerator<StreamChunk, void, undefined> {
    let outcome: Settled | undefined;
    try {
      const response = yield* this.source({
        signal: this.controller.signal,
        commit: (info) => {
          this.commitInfo = info;
        },
      });
      outcome = { ok: true, response };
      this.resolveFinal(response);
    } catch (error) {
      outcome = { ok: false, error };
      this.rejectFinal(error);
      throw error;
    } finally {
      if (!outcome) {
        const error = new AbortedError('The stream was abandoned before it completed');
        outcome = { ok: false, error };
        this.rejectFinal(error);
      }
      for (const hook of settledHooks.get(this) ?? []) hook(outcome);
    }
  }
}

/**
 * Runs `hook` once when the stream completes, fails or is abandoned, without starting or
 * wrapping it (no cost per chunk). Internal: the client's request accounting uses it.
 */
export function onStreamSettled(stream: ChatStream, hook: (outcome: Settled) => void): void {
  const hooks = settledHooks.get(stream);
  if (hooks) hooks.push(hook);
  else settledHooks.set(stream, [hook]);
}

/** Iterates `inner` on behalf of an outer stream: forwards its abort, commit and final response. */
async function* pipe(
  inner: ChatStream,
  controller: StreamController,
): AsyncGenerator<StreamChunk, ChatResponse, undefined> {
  const onAbort = (): void => inner.abort(controller.signal.reason);
  if (controller.signal.aborted) onAbort();
  controller.signal.addEventListener('abort', onAbort, { once: true });
  const iterator = inner[Symbol.asyncIterator]();
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (inner.committed) controller.commit(inner.committed);
      yield next.value;
    }
    if (inner.committed) controller.commit(inner.committed);
    return await inner.finalResponse();
  } finally {
    controller.signal.removeEventListener('abort', onAbort);
    await iterator.return?.();
  }
}

/** `inner`'s chunks and final response, with `observer` told of each chunk and of the end. */
async function* observed(
  inner: ChatStream,
  observer: StreamObserver,
  controller: StreamController,
): AsyncGenerator<StreamChunk, ChatResponse, undefined> {
  try {
    let response: ChatResponse;
    if (observer.onChunk) {
      const iterator = pipe(inner, controller);
      try {
        for (let next = await iterator.next(); ; next = await iterator.next()) {
          if (next.done) {
            response = next.value;
            break;
          }
          tell(() => observer.onChunk?.(next.value));
          yield next.value;
        }
      } finally {
        await iterator.return(undefined as never);
      }
    } else {
      response = yield* pipe(inner, controller);
    }
    tell(() => observer.onEnd?.(response));
    return response;
  } catch (error) {
    tell(() => observer.onError?.(error));
    throw error;
  }
}

/** Calls an observer; one that throws never breaks the stream it watches. */
function tell(call: () => void): void {
  try {
    call();
  } catch {
    // An observer's failure is its own.
  }
}
