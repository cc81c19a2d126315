import type { FieldIssue } from '../errors/configuration-error.js';
import type { FlexiAIError } from '../errors/flexiai-error.js';
import type { ConfigChanges } from './config-reload.js';
import type { FailureClass } from '../errors/is-retryable.js';
import type { CircuitChangeEvent } from '../resilience/circuit-breaker.js';
import type { Attempt, SkipReason } from '../types/attempt.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { Usage } from '../types/usage.js';

/** What a request asks for: a plain chat call, a stream, or embeddings. */
export type Operation = 'chat' | 'stream' | 'embed';

/** One upstream call, or one provider passed over, settled in one place (`settle-attempt.ts`). */
export interface AttemptEvent {
  requestId: string;
  operation: Operation;
  /** The route the request asked for (`default`, a route, a provider or a model id). */
  route: string;
  provider: string;
  model: string;
  outcome: 'ok' | 'error' | 'skipped';
  /** Why a failed call failed, as the failover loop treats it; only `transient` counts against the circuit. */
  /** How the failure was treated; `refusal`: a refusal the route fails over on (`failoverOn`). */
  failureClass?: FailureClass | 'refusal';
  /** The FlexiAI error code of a failed call. */
  code?: string;
  /** The upstream HTTP status, when one arrived. */
  status?: number;
  skipped?: SkipReason;
  /** Wall time of the call (0 for a skip). */
  latencyMs: number;
  /** Streams: from the call's start to its first output. */
  ttftMs?: number;
  usage?: Usage;
  costUsd?: number;
  /** `costUsd` was estimated from the output received (a stream cut or aborted after output). */
  costEstimated?: boolean;
  error?: FlexiAIError;
  /** Epoch ms (the client's clock) when it settled. */
  at: number;
}

/** One request, from the public call to its result or error, whoever answered it. */
export interface RequestEvent {
  requestId: string;
  operation: Operation;
  route: string;
  ok: boolean;
  /** The provider that served it (absent when it failed or a middleware answered). */
  provider?: string;
  model?: string;
  latencyMs: number;
  /** Streams: from the request's start to the first output the caller received. */
  ttftMs?: number;
  usage?: Usage;
  /** Why the answer ended (successful requests). */
  finishReason?: FinishReason;
  costUsd?: number;
  /** A middleware (a cache) answered without an upstream call. */
  cached?: boolean;
  /** Served by a provider other than the first candidate. */
  failedOver: boolean;
  attempts: readonly Attempt[];
  /** Error code of a failed request. */
  code?: string;
  error?: Error;
  /** The gateway key's id (a hash or its configured name; never the key). */
  gatewayKeyId?: string;
  at: number;
}

/** A provider was told to wait (a 429 and its Retry-After). */
export interface CooldownEvent {
  provider: string;
  /** Epoch ms until which the provider is passed over. */
  until: number;
  /** What the provider asked for, when it said. */
  retryAfterMs?: number;
  requestId?: string;
  at: number;
}

/** Emitted by budget middleware (cost). */
export interface BudgetEvent {
  budget: string;
  kind: 'warning' | 'exceeded';
  spentUsd: number;
  limitUsd: number;
  requestId?: string;
  at: number;
}

/** Emitted by cache middleware. */
export interface CacheEvent {
  requestId: string;
  operation: Operation;
  outcome: 'hit' | 'miss' | 'bypass' | 'store' | 'error';
  route: string;
  /** Where the cache lives. */
  backend?: 'memory' | 'redis';
  /** A hit served by an identical request in flight (single-flight), not by a stored entry. */
  coalesced?: boolean;
  /** Why a request bypassed the cache, or what failed (`error`). */
  reason?: string;
  /** The gateway key's id (a hash or its configured name; never the key). */
  gatewayKeyId?: string;
  at: number;
}

/** A hot reload (`ai.updateConfig`): what changed, or why it was refused (paths, never values). */
export interface ReloadEvent {
  ok: boolean;
  changes?: ConfigChanges;
  /** Changed settings that take effect only at the next start. */
  warnings?: string[];
  /** Why a refused reload was refused. */
  error?: string;
  issues?: FieldIssue[];
  at: number;
}

export interface ClientEventMap {
  request: RequestEvent;
  attempt: AttemptEvent;
  circuit: CircuitChangeEvent;
  cooldown: CooldownEvent;
  budget: BudgetEvent;
  cache: CacheEvent;
  reload: ReloadEvent;
}

export type ClientEventType = keyof ClientEventMap;
export type ClientEventListener<K extends ClientEventType> = (event: ClientEventMap[K]) => void;
