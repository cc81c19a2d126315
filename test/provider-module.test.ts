import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlexiAI } from '../src/client/flexiai.js';
import { providerFields } from '../src/config/provider-config-schema.js';
import { ConfigurationError } from '../src/errors/configuration-error.js';
import { silentLogger } from '../src/internal/logger.js';
import type { Provider } from '../src/providers/provider.js';
import { defineProviderModule } from '../src/providers/provider-module.js';
import { createDefaultProviderRegistry } from '../src/providers/registry.js';

/** A provider type of the user's own: one folder's worth, one registration line. */
const echoModule = defineProviderModule({
  type: 'echo',
  configSchema: z.strictObject({
    ...providerFields,
    type: z.literal('echo'),
    prefix: z.string().min(1),
  }),
  create: (config): Provider => ({
    name: config.name,
    type: 'echo',
    model: config.model,
    async chat(request) {
      const last = request.messages.at(-1)?.content;
      return {
        id: 'echo-1',
        created: 0,
        model: request.model,
        content: `${config.prefix}${typeof last === 'string' ? last : ''}`,
        finishReason: 'stop',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      };
    },
    async close() {},
  }),
});

describe('provider modules ({ type, configSchema, create })', () => {
  it('a registered module is configured like a built-in type and serves requests', async () => {
    const registry = createDefaultProviderRegistry().register(echoModule);
    const ai = new FlexiAI(
      { providers: [{ name: 'mine', type: 'echo', model: 'echo-1', prefix: '> ' }] },
      { registry, logger: silentLogger, env: false },
    );
    const res = await ai.chatCompletion({ messages: [{ role: 'user', content: 'hi' }] });
    expect(res).toMatchObject({ content: '> hi', provider: 'mine' });
    expect(ai.getProviderStatus()[0]).toMatchObject({ type: 'echo', state: 'closed' });
    await ai.close();
  });

  it("the module's schema validates its entry, naming the field by its path", () => {
    const registry = createDefaultProviderRegistry().register(echoModule);
    const make = () =>
      new FlexiAI(
        {
          providers: [
            { name: 'ok', type: 'openai', apiKey: 'test.key', model: 'gpt-4o-mini' },
            { name: 'mine', type: 'echo', model: 'echo-1', prefix: '' },
          ],
        },
        { registry, logger: silentLogger, env: false },
      );
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(/providers\.1\.prefix/);
  });

  it('an unregistered type is refused with its path and the types available', () => {
    expect(
      () =>
        new FlexiAI(
          { providers: [{ name: 'x', type: 'nope', model: 'm' }] },
          { logger: silentLogger, env: false },
        ),
    ).toThrow(
      /providers\.0\.type: type "nope" is not available \(available: openai, openai-compatible/,
    );
  });

  it('built-in entries are still validated in full by parseConfig', () => {
    expect(
      () =>
        new FlexiAI(
          { providers: [{ name: 'a', type: 'anthropic', model: 'claude-sonnet-4-5' }] },
          { logger: silentLogger, env: false },
        ),
    ).toThrow(/providers\.0\.apiKey/);
  });
});
