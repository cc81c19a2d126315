import type { FastifyRequest } from 'fastify';
import { CACHE_HINT_KEY, type CacheOutcome } from '../cache/cache-hints.js';
import type { RequestOptions } from '../client/request-context.js';
import type { ChatRequest } from '../types/request.js';

/**
 * How the response cache treats one gateway request: `cache-control: no-cache` or `no-store`
 * skips it, and its outcome comes back as `x-flexiai-cache: hit|miss|bypass` (no header when no
 * cache is configured).
 */
export class CacheExchange {
  outcome: CacheOutcome | undefined;
  readonly bypass: boolean;

  constructor(request: FastifyRequest) {
    const header = request.headers['cache-control'];
    this.bypass = /\bno-(?:cache|store)\b/i.test(
      Array.isArray(header) ? header.join(',') : (header ?? ''),
    );
  }

  /** The request as sent to the client, and its options. */
  apply(
    request: ChatRequest,
    gatewayKeyId: string | undefined,
  ): { request: ChatRequest; options: RequestOptions } {
    return {
      request: this.bypass ? { ...request, cache: false as const } : request,
      options: {
        gatewayKeyId,
        metadata: { [CACHE_HINT_KEY]: { onOutcome: (o: CacheOutcome) => (this.outcome = o) } },
      },
    };
  }

  headers(): Record<string, string> {
    return this.outcome ? { 'x-flexiai-cache': this.outcome } : {};
  }
}
