import { z } from 'zod';
import { finishReasonSchema } from '../types/finish-reason.js';
import type { ChatResponse } from '../types/response.js';

/** Format of stored values; a value of any other format is a miss (and gets overwritten). */
export const CACHE_ENTRY_VERSION = 1;

const usageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  cachedPromptTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
  reasoningTokens: z.number().optional(),
});

const toolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const storedAnswerSchema = z.object({
  id: z.string(),
  created: z.number(),
  model: z.string(),
  provider: z.string(),
  content: z.string().nullable(),
  toolCalls: z.array(toolCallSchema).optional(),
  finishReason: finishReasonSchema,
  usage: usageSchema,
  requestId: z.string().optional(),
  providerMetadata: z.record(z.string(), z.unknown()).optional(),
});

const entrySchema = z.object({
  v: z.literal(CACHE_ENTRY_VERSION),
  /** Epoch ms (the client's clock) when it was stored. */
  at: z.number(),
  /** Epoch ms after which it is stale, whatever the store's own expiry. */
  exp: z.number(),
  answer: storedAnswerSchema,
});

/** What a cache keeps of an answer: the model output, never per-request fields. */
export type StoredAnswer = z.infer<typeof storedAnswerSchema>;
export type CacheEntry = z.infer<typeof entrySchema>;

/** The stored part of a response (attempts, latency, correlation id and cost are per request). */
export function toStoredAnswer(response: ChatResponse): StoredAnswer {
  return {
    id: response.id,
    created: response.created,
    model: response.model,
    provider: response.provider,
    content: response.content,
    ...(response.toolCalls ? { toolCalls: response.toolCalls } : {}),
    finishReason: response.finishReason,
    usage: response.usage,
    ...(response.requestId !== undefined ? { requestId: response.requestId } : {}),
    ...(response.providerMetadata ? { providerMetadata: response.providerMetadata } : {}),
  };
}

/** The stored form of an entry: `{ v, at, exp, answer }` as JSON. */
export function encodeEntry(answer: StoredAnswer, at: number, ttlMs: number): string {
  return `{"v":${CACHE_ENTRY_VERSION},"at":${at},"exp":${at + ttlMs},"answer":${JSON.stringify(answer)}}`;
}

/** A stored value, or undefined when it is not JSON, of another format, or malformed. */
export function decodeEntry(raw: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = entrySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A fresh response for this request from a stored answer: no attempts, `cached: true`. */
export function toCachedResponse(
  answer: StoredAnswer,
  correlationId: string,
  latencyMs: number,
): ChatResponse {
  return { ...answer, attempts: [], latencyMs, correlationId, cached: true };
}
