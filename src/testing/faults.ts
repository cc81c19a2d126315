import type { FinishReason } from '../types/finish-reason.js';
import type { ToolCall } from '../types/tool.js';

export interface SimReasoning {
  text: string;
  signature?: string;
  /** Reasoning tokens (counted within the completion tokens). */
  tokens?: number;
}

/** A successful answer. Every field is optional: by default the simulator echoes the last user text. */
export interface OkReply {
  kind: 'ok';
  content?: string | null;
  toolCalls?: ToolCall[];
  finishReason?: FinishReason;
  usage?: { promptTokens: number; completionTokens: number };
  /** Model reported back; defaults to the requested one. */
  model?: string;
  /** Streams: the text deltas, exactly (default: the content cut into pieces of `chunkChars`). */
  chunks?: string[];
  chunkChars?: number;
  /** Streams: pause between events. */
  chunkDelayMs?: number;
  /** Streams: wait this long after the last event before ending the body (as real servers may). */
  endDelayMs?: number;
  /** Streams: write the response body in TCP writes of this many bytes (splits multi-byte characters). */
  writeBytes?: number;
  /**
   * The model's reasoning: Anthropic sends it as a thinking block (with the signature), OpenAI
   * and Gemini report `tokens` as reasoning/thought tokens in usage.
   */
  reasoning?: SimReasoning;
  /** Wire-specific extras, read by the wire that knows them (e.g. Gemini `{ blockReason: 'SAFETY' }`). */
  wireExtras?: Record<string, unknown>;
}

/** An error status with the provider's error body and optional Retry-After. */
export interface StatusFault {
  kind: 'status';
  status: number;
  message?: string;
  /** Provider error type (e.g. `server_error`, `overloaded_error`); a fitting one by default. */
  type?: string;
  code?: string;
  /** Sent as `Retry-After` (seconds, or an HTTP date string). */
  retryAfter?: number | string;
  /** Sent as `retry-after-ms`. */
  retryAfterMs?: number;
  headers?: Record<string, string>;
  /** Raw body instead of the provider's error JSON. */
  body?: string;
}

/** Faults on the connection or the body. */
export type TransportFault =
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Destroys the connection before any response byte. */
  | { kind: 'reset' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** 200 whose body is an error object. */
  | { kind: 'error-in-200'; message?: string }
  /** 200 with a body of `bytes` bytes (chunked unless `declareLength`). */
  | { kind: 'huge'; bytes: number; declareLength?: boolean };

/** Faults of a streamed answer, after the response headers. */
export type StreamFault =
  /** Sends `afterChunks` text events, then cuts the connection (no finish, no terminator). */
  | { kind: 'stream-cut'; afterChunks: number; reply?: Omit<OkReply, 'kind'> }
  /** Sends `afterChunks` text events, then goes silent with the connection open. */
  | { kind: 'stream-stall'; afterChunks: number; reply?: Omit<OkReply, 'kind'> }
  /** Sends `afterChunks` text events, then the provider's in-stream error event. */
  | {
      kind: 'stream-error';
      afterChunks: number;
      message?: string;
      type?: string;
      reply?: Omit<OkReply, 'kind'>;
    }
  /** Sends one line that is not valid JSON after `afterChunks` text events, then carries on. */
  | { kind: 'stream-malformed'; afterChunks: number; reply?: Omit<OkReply, 'kind'> };

export type Fault = (OkReply | StatusFault | TransportFault | StreamFault) & {
  /** Wait this long before the response headers (slow first byte). */
  delayMs?: number;
};

/** Shorthands for scripting faults. */
export const fault = {
  ok: (reply: Omit<OkReply, 'kind'> = {}): Fault => ({ kind: 'ok', ...reply }),
  status: (status: number, options: Omit<StatusFault, 'kind' | 'status'> = {}): Fault => ({
    kind: 'status',
    status,
    ...options,
  }),
  rateLimited: (retryAfter?: number | string): Fault => ({
    kind: 'status',
    status: 429,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  }),
  hang: (): Fault => ({ kind: 'hang' }),
  reset: (): Fault => ({ kind: 'reset' }),
  malformed: (): Fault => ({ kind: 'malformed' }),
  errorIn200: (message?: string): Fault => ({
    kind: 'error-in-200',
    ...(message ? { message } : {}),
  }),
  huge: (bytes: number, declareLength = false): Fault => ({ kind: 'huge', bytes, declareLength }),
  slow: (delayMs: number, then: Fault = { kind: 'ok' }): Fault => ({ ...then, delayMs }),
  streamCut: (afterChunks: number): Fault => ({ kind: 'stream-cut', afterChunks }),
  streamStall: (afterChunks: number): Fault => ({ kind: 'stream-stall', afterChunks }),
  streamError: (afterChunks: number, message?: string): Fault => ({
    kind: 'stream-error',
    afterChunks,
    ...(message ? { message } : {}),
  }),
} as const;
