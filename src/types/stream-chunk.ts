import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** Text the model produced. */
export interface TextDeltaChunk {
  type: 'text-delta';
  delta: string;
}

/** A fragment of a tool call; fragments with the same index belong to one call. */
export interface ToolCallDeltaChunk {
  type: 'tool-call-delta';
  index: number;
  id?: string;
  name?: string;
  argumentsDelta?: string;
}

export interface UsageChunk {
  type: 'usage';
  usage: Usage;
}

export interface FinishChunk {
  type: 'finish';
  finishReason: FinishReason;
}

/** A piece of the model's reasoning (not output: it never commits a stream). */
export interface ReasoningDeltaChunk {
  type: 'reasoning-delta';
  /** Thinking text. */
  delta?: string;
  /** The signature closing the current thinking block (Anthropic). */
  signature?: string;
  /** A whole redacted thinking block (Anthropic). */
  redactedData?: string;
}

/** Upstream metadata that is not model output (completion id, model); never commits a stream. */
export interface ResponseMetadataChunk {
  type: 'response-metadata';
  id?: string;
  model?: string;
  requestId?: string;
  providerMetadata?: Record<string, unknown>;
  /** Request fields the provider dropped (see `ChatResponse.droppedParams`). */
  droppedParams?: string[];
}

export type StreamChunk =
  | TextDeltaChunk
  | ToolCallDeltaChunk
  | UsageChunk
  | FinishChunk
  | ResponseMetadataChunk
  | ReasoningDeltaChunk;

/** A chunk that carries model output: the first one commits a stream to its provider. */
export const isOutputChunk = (chunk: StreamChunk): chunk is TextDeltaChunk | ToolCallDeltaChunk =>
  chunk.type === 'text-delta' || chunk.type === 'tool-call-delta';
