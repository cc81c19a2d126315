import type { CacheMiddleware } from '../cache/cache-middleware.js';
import type { FlexiAIConfig } from '../config/config-schema.js';
import type { ChatExecutor } from './chat-executor.js';
import type { ChatMiddleware } from './middleware/chat-middleware.js';
import {
  composeChat,
  composeStream,
  type ChatHandler,
  type StreamHandler,
} from './middleware/compose.js';
import type { ProviderFleet } from './provider-fleet.js';
import type { RecordDeps } from './request-record.js';

/** What one configuration builds: the parts a request runs through from its start to its end. */
export interface GenerationParts {
  config: FlexiAIConfig;
  fleet: ProviderFleet;
  executor: ChatExecutor;
  cache: CacheMiddleware | undefined;
  /** Middleware built from the configuration (budgets, cost, capture, logging, defaults, cache). */
  builtIn: readonly ChatMiddleware[];
  recordDeps: RecordDeps;
}

/**
 * One configuration in force (hot reload, docs/operations.md): the fleet, executor, built-in
 * middleware and composed handlers a request takes at its start and keeps until it ends, however
 * many reloads happen meanwhile. Counts the requests under way, so what a reload retired (removed
 * adapters, a replaced cache) is closed only once the last of them has ended.
 */
export class Generation implements GenerationParts {
  readonly config: FlexiAIConfig;
  readonly fleet: ProviderFleet;
  readonly executor: ChatExecutor;
  readonly cache: CacheMiddleware | undefined;
  readonly builtIn: readonly ChatMiddleware[];
  readonly recordDeps: RecordDeps;
  middleware: readonly ChatMiddleware[] = [];
  chatHandler!: ChatHandler;
  streamHandler!: StreamHandler;
  transforms = false;
  private active = 0;
  private drained: (() => void) | undefined;

  constructor(parts: GenerationParts, user: readonly ChatMiddleware[]) {
    this.config = parts.config;
    this.fleet = parts.fleet;
    this.executor = parts.executor;
    this.cache = parts.cache;
    this.builtIn = parts.builtIn;
    this.recordDeps = parts.recordDeps;
    this.compose(user);
  }

  /** Builds the handler chains: built-in middleware outermost, then the user's, in order. */
  compose(user: readonly ChatMiddleware[]): void {
    this.middleware = [...this.builtIn, ...user];
    this.transforms = this.middleware.some((m) => m.transformRequest);
    const executor = this.executor;
    this.chatHandler = composeChat(this.middleware, executor.chat.bind(executor));
    this.streamHandler = composeStream(this.middleware, executor.stream.bind(executor));
  }

  /** A request started on this generation. */
  enter(): void {
    this.active += 1;
  }

  /** A request started on this generation ended (call once per `enter`). */
  leave(): void {
    this.active -= 1;
    if (this.active === 0 && this.drained) {
      const drained = this.drained;
      this.drained = undefined;
      drained();
    }
  }

  /** Requests under way that started on this generation. */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves once no request that started on this generation is under way. */
  whenDrained(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.drained;
      this.drained = () => {
        before?.();
        resolve();
      };
    });
  }
}
