/** `gen_ai.provider.name` (and the older `gen_ai.system`) for each provider type. */
export const GEN_AI_PROVIDER: Readonly<Record<string, string>> = {
  openai: 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  vertexai: 'gcp.vertex_ai',
};

/** Attribute names from the OpenTelemetry GenAI semantic conventions used on FlexiAI's spans. */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
  httpStatus: 'http.response.status_code',
} as const;
