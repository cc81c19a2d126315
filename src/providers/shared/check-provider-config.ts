import type { ProviderConfig } from '../../config/provider-config-schema.js';
import type { Logger } from '../../internal/logger.js';

/** How a provider type's API keys usually start: a mismatch is worth a warning, never a refusal. */
const KEY_PREFIXES: Partial<Record<ProviderConfig['type'], { prefix: string; label: string }>> = {
  openai: { prefix: 'sk-', label: 'an OpenAI key' },
  anthropic: { prefix: 'sk-ant-', label: 'an Anthropic key' },
  gemini: { prefix: 'AIza', label: 'a Gemini API key' },
};

/**
 * Model ids FlexiAI knows per provider type, for information only: a model not listed is used
 * as configured (providers ship new models all the time), with an info line saying so.
 */
export const KNOWN_MODELS: Partial<Record<ProviderConfig['type'], readonly string[]>> = {
  openai: [
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'o3',
    'o3-mini',
    'o4-mini',
  ],
  anthropic: [
    'claude-opus-4-1',
    'claude-opus-4-5',
    'claude-sonnet-4-5',
    'claude-sonnet-4',
    'claude-haiku-4-5',
    'claude-3-7-sonnet-latest',
    'claude-3-5-haiku-latest',
  ],
  gemini: [
    'gemini-2.5-pro',
    'gemini-2.5-flash',
    'gemini-2.5-flash-lite',
    'gemini-2.0-flash',
    'gemini-3-pro-preview',
  ],
  vertexai: [
    'gemini-2.5-pro',
    'gemini-2.5-flash',
    'gemini-2.5-flash-lite',
    'gemini-2.0-flash',
    'gemini-3-pro-preview',
  ],
};

/**
 * Advisory checks of a provider's configuration, run when it is created: a key of the wrong shape
 * (a key pasted into the wrong provider) is a warning; an unknown model is an info line. Neither
 * refuses anything, and neither logs the key.
 */
export function checkProviderConfig(config: ProviderConfig, logger: Logger): void {
  const expected = KEY_PREFIXES[config.type];
  const key = 'apiKey' in config ? config.apiKey?.reveal() : undefined;
  if (expected && key !== undefined && !key.startsWith(expected.prefix)) {
    logger.warn(
      { provider: config.name, type: config.type },
      `provider "${config.name}": the API key does not look like ${expected.label} (those start with "${expected.prefix}"); using it anyway`,
    );
  }
  const known = KNOWN_MODELS[config.type];
  const models = [config.model, ...(config.models ?? [])];
  const unknown = known ? models.filter((model) => !known.includes(model)) : [];
  if (unknown.length > 0) {
    logger.info(
      { provider: config.name, type: config.type, models: unknown },
      `provider "${config.name}": model ${unknown.join(', ')} is not in FlexiAI's list of known ${config.type} models; using it as configured`,
    );
  }
}
