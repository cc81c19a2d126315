import { describe, expect, it } from 'vitest';
import { FlexiAI } from '../flexiai.js';
import { silentLogger } from '../../internal/logger.js';
import { createDefaultProviderRegistry } from '../../providers/registry.js';
import { defineProviderModule } from '../../providers/provider-module.js';
import { providerFields } from '../../config/provider-config-schema.js';
import { z } from 'zod';
import type { ProviderRequest } from '../../providers/provider.js';
import { defaultsMiddleware } from './defaults-middleware.js';
import { loggingMiddleware } from './logging-middleware.js';
import { captureLogger } from '../../../test/helpers/capture-logger.js';

/** A client over one in-process provider that records what it was asked. */
function recordingClient(config: Record<string, unknown> = {}, logger = silentLogger) {
  const seen: ProviderRequest[] = [];
  const registry = createDefaultProviderRegistry().register(
    defineProviderModule({
      type: 'record',
      configSchema: z.looseObject({ ...providerFields, type: z.literal('record') }),
      create: (c) => ({
        name: c.name,
        type: 'record',
        model: c.model,
        async chat(request) {
          seen.push(request);
          return {
            id: 'x',
            created: 0,
            model: request.model,
            content: 'secret-token-123 answered',
            finishReason: 'stop',
            usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
          };
        },
        async close() {},
      }),
    }),
  );
  const ai = new FlexiAI(
    { providers: [{ name: 'p', type: 'record', model: 'm' }], ...config },
    { registry, logger, env: false },
  );
  return { ai, seen };
}

describe('defaultsMiddleware', () => {
  it('fills what the request leaves out, per route on top of the global defaults', async () => {
    const { ai, seen } = recordingClient({
      routes: { fast: ['p'] },
      defaults: { temperature: 0.3, routes: { fast: { maxTokens: 64, system: 'Be brief.' } } },
    });
    await ai.chatCompletion({ messages: [{ role: 'user', content: 'a' }] });
    await ai.chatCompletion({ model: 'fast', messages: [{ role: 'user', content: 'b' }] });
    await ai.chatCompletion({
      model: 'fast',
      temperature: 1,
      messages: [
        { role: 'system', content: 'Mine.' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(seen[0]).toMatchObject({ temperature: 0.3 });
    expect(seen[0]?.maxTokens).toBeUndefined();
    expect(seen[0]?.messages).toHaveLength(1);
    expect(seen[1]).toMatchObject({ temperature: 0.3, maxTokens: 64 });
    expect(seen[1]?.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    // The request's own values win; its own system message is kept alone.
    expect(seen[2]).toMatchObject({ temperature: 1, maxTokens: 64 });
    expect(seen[2]?.messages.filter((m) => m.role === 'system')).toEqual([
      { role: 'system', content: 'Mine.' },
    ]);
  });

  it('a defaults route that names nothing configured is a config error with its path', () => {
    expect(() =>
      recordingClient({ defaults: { routes: { nowhere: { temperature: 1 } } } }),
    ).toThrow(/defaults\.routes\.nowhere/);
    expect(() => defaultsMiddleware({ temperature: 7 })).toThrow();
  });
});

describe('loggingMiddleware', () => {
  it('logs one line per request and response; content only when asked, with redaction', async () => {
    const log = captureLogger('debug');
    const { ai } = recordingClient({}, log.logger);
    ai.use(loggingMiddleware({ content: true, redact: ['secret-token-123', /\d{4}-\d{4}/] }));
    await ai.chatCompletion({ messages: [{ role: 'user', content: 'card 1234-5678 please' }] });
    const text = log.text();
    expect(text).toContain('chat request');
    expect(text).toContain('chat response');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain('1234-5678');
    expect(text).not.toContain('secret-token-123');

    const quiet = captureLogger('debug');
    const plain = recordingClient({}, quiet.logger);
    plain.ai.use(loggingMiddleware());
    await plain.ai.chatCompletion({ messages: [{ role: 'user', content: 'hidden words' }] });
    expect(quiet.text()).toContain('chat response');
    expect(quiet.text()).not.toContain('hidden words');
  });
});
