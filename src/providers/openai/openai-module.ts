import {
  openAICompatibleProviderSchema,
  openAIProviderSchema,
} from '../../config/provider-config-schema.js';
import { defineProviderModule } from '../provider-module.js';
import { createOpenAIProvider } from './openai-provider.js';

export const openAIModule = defineProviderModule({
  type: 'openai',
  configSchema: openAIProviderSchema,
  create: createOpenAIProvider,
});

/** Azure OpenAI, Ollama, vLLM, LM Studio and any endpoint speaking the chat completions wire. */
export const openAICompatibleModule = defineProviderModule({
  type: 'openai-compatible',
  configSchema: openAICompatibleProviderSchema,
  create: createOpenAIProvider,
});
