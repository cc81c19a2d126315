import type { FinishReason } from '../types/finish-reason.js';
import type { ToolCall } from '../types/tool.js';
import type { SimReasoning } from './faults.js';

/** What the simulator answers with, resolved from a reply and the request. */
export interface SimAnswer {
  id: string;
  created: number;
  model: string;
  content: string | null;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** Text deltas for a stream. */
  chunks: string[];
  requestId: string;
  reasoning?: SimReasoning;
  /** The reply's wire-specific extras (OkReply.wireExtras). */
  wireExtras?: Record<string, unknown>;
}

/** One operation a wire supports, found from the method, path and body. */
export interface SimOperation {
  kind: 'chat' | 'models';
  stream: boolean;
  /** The model the request asked for. */
  model: string;
}

/** One SSE event as the wire frames it. */
export interface SimStreamEvent {
  event?: string;
  data: string;
}

/**
 * A provider's wire format as the simulator speaks it: routing, auth, bodies and stream events.
 * The official SDK of each provider must parse everything a wire sends (tests).
 */
export interface SimWire {
  readonly name: string;
  /** Appended to the server URL to form the base URL an SDK or FlexiAI config uses (`/v1` for OpenAI). */
  readonly baseURLPath: string;
  /** The operation for a request, or undefined for 404. */
  route(method: string, path: string, body: unknown): SimOperation | undefined;
  /** Whether the request carries the expected credential. */
  authorized(
    headers: Record<string, string | string[] | undefined>,
    url: URL,
    apiKey: string,
  ): boolean;
  /** Name of the response header carrying the request id. */
  readonly requestIdHeader: string;
  /** The prompt's text, for echo replies and token counts. */
  promptText(body: unknown): string;
  /** Whether a streamed answer should end with a usage event. */
  wantsStreamUsage(body: unknown): boolean;
  completion(answer: SimAnswer): unknown;
  errorBody(
    status: number,
    message: string,
    type: string | undefined,
    code: string | undefined,
  ): unknown;
  /** The body of an error inside a 200. */
  errorInSuccess(message: string): unknown;
  models(model: string): unknown;
  /** Every event of a complete stream, in order, with `textEventIndexes` marking the text deltas. */
  streamEvents(
    answer: SimAnswer,
    includeUsage: boolean,
  ): { events: SimStreamEvent[]; textEventIndexes: number[] };
  /** The in-stream error event. */
  streamError(message: string, type: string | undefined): SimStreamEvent;
  /** The stream's terminator, if the wire has one after its last event (OpenAI `[DONE]`). */
  readonly streamTerminator: SimStreamEvent | undefined;
  /** The raw frame of the `stream-malformed` fault, in the wire's own framing (a default otherwise). */
  readonly malformedStreamFrame?: string;
}

export const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Cuts a text into deltas of at most `size` characters (never splitting a surrogate pair). */
export function cutText(text: string, size: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}
