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

type ToolCall = NonNullable<StoredAnswer['toolCalls']>[number];
const copyToolCall = (call: ToolCall): ToolCall => ({
  id: call.id,
  type: call.type,
  function: { name: call.function.name, arguments: call.function.arguments },
});

/**
 * A deep copy of JSON-like data (what provider metadata is: it is stored as JSON in Redis).
 * Several times cheaper than `structuredClone` for the few small fields it usually holds.
 */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy;
}

/**
 * The stored part of a response (attempts, latency, correlation id and cost are per request), or
 * a response's own copy of a stored answer: nothing mutable is shared either way, so neither the
 * caller of a miss nor the caller of a hit can change what the cache holds.
 */
export function toStoredAnswer(response: ChatResponse | StoredAnswer): StoredAnswer {
  const answer: StoredAnswer = {
    id: response.id,
    created: response.created,
    model: response.model,
    provider: response.provider,
    content: response.content,
    finishReason: response.finishReason,
    usage: { ...response.usage },
  };
  if (response.toolCalls) answer.toolCalls = response.toolCalls.map(copyToolCall);
  if (response.requestId !== undefined) answer.requestId = response.requestId;
  if (response.providerMetadata) {
    answer.providerMetadata = copyJson(response.providerMetadata) as Record<string, unknown>;
  }
  return answer;
}

/** An entry of an answer stored at `at` for `ttlMs`. */
export function makeEntry(response: ChatResponse, at: number, ttlMs: number): CacheEntry {
  return { v: CACHE_ENTRY_VERSION, at, exp: at + ttlMs, answer: toStoredAnswer(response) };
}

/** The stored form of an entry in a string store: `{ v, at, exp, answer }` as JSON. */
export function encodeEntry(entry: CacheEntry): string {
  return JSON.stringify(entry);
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

/** A fresh response for this request from a stored answer: its own copy, no attempts, `cached: true`. */
export function toCachedResponse(
  answer: StoredAnswer | ChatResponse,
  correlationId: string,
  latencyMs: number,
): ChatResponse {
  return { ...toStoredAnswer(answer), attempts: [], latencyMs, correlationId, cached: true };
}
