import { AbortedError } from '../errors/aborted-error.js';
import type { Attempt } from '../types/attempt.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamChunk } from '../types/stream-chunk.js';

/** The provider a stream committed to, and the attempts it took to get there. */
export interface StreamCommit {
  provider: string;
  model: string;
  attempts: readonly Attempt[];
}

/**
 * A streamed chat completion: an AsyncIterable of typed chunks, plus the final aggregated response.
 * The request starts when you iterate or call `finalResponse()`. Breaking out of the loop, or
 * `abort()`, aborts the upstream request at once.
 */
export class ChatStream implements AsyncIterable<StreamChunk> {
  private readonly final: Promise<ChatResponse>;
  private resolveFinal!: (response: ChatResponse) => void;
  private rejectFinal!: (error: unknown) => void;
  private started = false;
  private readonly controller = new AbortController();
  private commitInfo: StreamCommit | undefined;

  constructor(
    private readonly source: (
      signal: AbortSignal,
      done: (response: ChatResponse) => void,
      commit: (info: StreamCommit) => void,
    ) => AsyncGenerator<StreamChunk>,
  ) {
    this.final = new Promise<ChatResponse>((resolve, reject) => {
      this.resolveFinal = resolve;
      this.rejectFinal = reject;
    });
    // The final promise is optional to await; never an unhandled rejection.
    this.final.catch(() => undefined);
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

  private async *consume(): AsyncGenerator<StreamChunk> {
    let finished = false;
    try {
      yield* this.source(
        this.controller.signal,
        (response) => {
          finished = true;
          this.resolveFinal(response);
        },
        (info) => {
          this.commitInfo = info;
        },
      );
    } catch (error) {
      this.rejectFinal(error);
      throw error;
    } finally {
      if (!finished)
        this.rejectFinal(new AbortedError('The stream was abandoned before it completed'));
    }
  }
}
