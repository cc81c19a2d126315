import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/helpers/capture-logger.js';
import { parseConfig } from '../../config/parse-config.js';
import type { ProviderConfigInput } from '../../config/provider-config-schema.js';
import { systemClock } from '../../internal/clock.js';
import { createDefaultProviderRegistry } from '../registry.js';

const create = async (provider: ProviderConfigInput) => {
  const logs = captureLogger('trace');
  const config = parseConfig({ providers: [provider] }, { env: false }).providers[0];
  const created = createDefaultProviderRegistry().create(config as never, {
    clock: systemClock,
    logger: logs.logger,
  });
  await created.close();
  return logs;
};

describe('provider validators (advisory only)', () => {
  it.each([
    [
      'openai',
      { name: 'p', type: 'openai', model: 'gpt-4o-mini', apiKey: 'not-an-openai-key-0123456789' },
      'sk-',
    ],
    [
      'anthropic',
      {
        name: 'p',
        type: 'anthropic',
        model: 'claude-sonnet-4-5',
        apiKey: 'sk-proj-not.anthropic-0123456789',
      },
      'sk-ant-',
    ],
    [
      'gemini',
      {
        name: 'p',
        type: 'gemini',
        model: 'gemini-2.5-flash',
        apiKey: 'not-a-google-key-0123456789',
      },
      'AIza',
    ],
  ] as const)(
    '%s: a key of the wrong shape is one warning, without the key, and still used',
    async (_type, provider, prefix) => {
      const logs = await create(provider);
      const warnings = logs.lines().filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]?.msg)).toContain(`"${prefix}"`);
      expect(logs.text()).not.toContain(provider.apiKey);
    },
  );

  it('a key of the right shape and a known model log nothing', async () => {
    const logs = await create({
      name: 'p',
      type: 'anthropic',
      model: 'claude-sonnet-4-5',
      apiKey: 'sk-ant-api03.right-shape-0123',
    });
    expect(logs.lines()).toHaveLength(0);
  });

  it('a model FlexiAI does not know is an info line, never a refusal', async () => {
    const logs = await create({
      name: 'p',
      type: 'openai',
      model: 'gpt-7-turbo',
      models: ['gpt-4o'],
      apiKey: 'sk-right-shape-0123456789',
    });
    const info = logs.lines().filter((l) => l.level === 30);
    expect(info).toHaveLength(1);
    expect(String(info[0]?.msg)).toContain('gpt-7-turbo');
    expect(String(info[0]?.msg)).not.toContain('gpt-4o,');
  });
});
