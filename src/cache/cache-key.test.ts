import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../client/parse-chat-request.js';
import { silentLogger } from '../internal/logger.js';
import { systemClock } from '../internal/clock.js';
import type { RequestContext } from '../client/request-context.js';
import type { ChatRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import { cacheMiddleware } from './cache-middleware.js';
import type { EntryStore } from './entry-store.js';
import { cacheKey, EXACT_KEY_MAX_CHARS, keyMaterial } from './cache-key.js';

const material = (request: ChatRequest, route = 'default', scope = '*'): string =>
  keyMaterial(parseChatRequest(request), route, scope);
const user = (content: string) => ({ role: 'user' as const, content });

describe('cache key material', () => {
  it('never makes one string of two different requests, whatever their text contains', () => {
    const requests: ChatRequest[] = [
      { messages: [user('ab')] },
      { messages: [user('a'), user('b')] },
      { messages: [user('a'), { role: 'assistant', content: 'b' }] },
      { messages: [user('1:a')] },
      { messages: [user('a1:b')] },
      { messages: [user('m4:user1:b')] },
      { messages: [user('a'), user('m4:user1:b')] },
      { messages: [{ role: 'system', content: 'a' }, user('b')] },
      { messages: [{ role: 'user', content: 'a', name: 'x' }] },
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] },
      { messages: [user('a')], temperature: 0 },
      { messages: [user('a')], temperature: 1 },
      { messages: [user('a')], stop: ['x'] },
      { messages: [user('a7:temperature1:0')] },
      // Without a length on each part these two would read the same.
      { messages: [user('am:user:c'), user('d')] },
      { messages: [user('a'), user('cm:user:d')] },
    ];
    const seen = new Set(requests.map((r) => material(r)));
    expect(seen.size).toBe(requests.length);
  });

  it('differs by route and by scope; ignores correlation id, metadata, cache and model', () => {
    const base = { messages: [user('hi')] };
    expect(material(base, 'a')).not.toBe(material(base, 'b'));
    expect(material(base, 'a', 'key-1')).not.toBe(material(base, 'a', 'key-2'));
    expect(
      material({ ...base, correlationId: 'x', metadata: { a: 'b' }, cache: { ttlMs: 5 } }),
    ).toBe(material(base));
    expect(material({ ...base, model: 'other' }, 'default')).toBe(material(base, 'default'));
  });

  it('compares tool schemas and provider options with their keys sorted', () => {
    const tool = (parameters: Record<string, unknown>) => ({
      messages: [user('hi')],
      tools: [{ type: 'function' as const, function: { name: 'f', parameters } }],
      providerOptions: { openai: { b: 1, a: { d: 2, c: 3 } } },
    });
    const one = material(tool({ type: 'object', properties: { x: { type: 'string' } } }));
    const two = material({
      ...tool({ properties: { x: { type: 'string' } }, type: 'object' }),
      providerOptions: { openai: { a: { c: 3, d: 2 }, b: 1 } },
    });
    expect(two).toBe(one);
    expect(material(tool({ type: 'object' }))).not.toBe(one);
  });

  it('is the same for the same request sent with its fields in another order', () => {
    expect(material({ temperature: 0.5, messages: [user('a')], maxTokens: 3 })).toBe(
      material({ maxTokens: 3, messages: [user('a')], temperature: 0.5 }),
    );
  });

  it('starts with # (no hashed key does) and holds the prompt; the hashed key holds neither', () => {
    const request = parseChatRequest({ messages: [user('secret prompt')] });
    expect(keyMaterial(request, 'default', '*')).toMatch(/^#2\|.*secret prompt/);
    const key = cacheKey(request, 'default', 'key-abc');
    expect(key).toMatch(/^key-abc:[A-Za-z0-9_-]{43}$/);
    expect(cacheKey(request, 'default', 'a b/c')).toMatch(/^a_b_c:/);
  });
});

describe('keys by store', () => {
  const ctx = (): RequestContext => ({
    requestId: 'req_1',
    operation: 'chat',
    route: 'default',
    signal: undefined,
    metadata: {},
    gatewayKeyId: undefined,
    startedAt: 0,
    logger: silentLogger,
    emit: () => undefined,
  });
  const answer: ChatResponse = {
    id: 'r1',
    created: 1,
    model: 'm',
    provider: 'p',
    content: 'hi',
    finishReason: 'stop',
    usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    attempts: [],
    latencyMs: 1,
    correlationId: 'req_1',
  };
  const keysUsed = async (exactKeys: boolean, contents: string[]): Promise<string[]> => {
    const keys: string[] = [];
    const store: EntryStore = {
      backend: 'memory',
      exactKeys,
      get: (key) => void keys.push(key),
      set: () => undefined,
      close: async () => undefined,
    };
    const cache = cacheMiddleware({
      store,
      ttlMs: 1_000,
      scope: 'global',
      finishReasons: ['stop'],
      coalesce: true,
      coalesceTimeoutMs: 1_000,
      clock: systemClock,
      logger: silentLogger,
    });
    for (const content of contents) {
      const request = parseChatRequest({ messages: [user(content)] });
      await cache.wrapChat!({ next: async () => answer, request, ctx: ctx() });
    }
    return keys;
  };

  it('in memory, a short request is keyed by its material (no hash); a long one by its hash', async () => {
    const long = 'x'.repeat(EXACT_KEY_MAX_CHARS);
    const [short, hashed] = await keysUsed(true, ['short', long]);
    expect(short).toBe(material({ messages: [user('short')] }));
    expect(hashed).toBe(cacheKey(parseChatRequest({ messages: [user(long)] }), 'default', '*'));
  });

  it('a shared store (Redis, a store of your own) only ever sees hashed keys', async () => {
    const [key] = await keysUsed(false, ['short']);
    expect(key).toBe(cacheKey(parseChatRequest({ messages: [user('short')] }), 'default', '*'));
    expect(key).not.toContain('short');
  });
});
