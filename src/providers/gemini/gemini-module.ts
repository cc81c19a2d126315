import {
  geminiProviderSchema,
  vertexAIProviderSchema,
} from '../../config/provider-config-schema.js';
import { defineProviderModule } from '../provider-module.js';
import { createGeminiProvider } from './gemini-provider.js';

/** The Gemini API (API key). */
export const geminiModule = defineProviderModule({
  type: 'gemini',
  configSchema: geminiProviderSchema,
  create: createGeminiProvider,
});

/** Vertex AI (Google credentials); the same wire as the Gemini API. */
export const vertexAIModule = defineProviderModule({
  type: 'vertexai',
  configSchema: vertexAIProviderSchema,
  create: createGeminiProvider,
});
