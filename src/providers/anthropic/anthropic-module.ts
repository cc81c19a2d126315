import { anthropicProviderSchema } from '../../config/provider-config-schema.js';
import { defineProviderModule } from '../provider-module.js';
import { createAnthropicProvider } from './anthropic-provider.js';

export const anthropicModule = defineProviderModule({
  type: 'anthropic',
  configSchema: anthropicProviderSchema,
  create: createAnthropicProvider,
});
