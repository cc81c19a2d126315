export type { AskFunction, AskOptions, AskSchemaOptions } from './ask.js';
export type { CallOptions, Messages, RequestFields } from './call-options.js';
export type { ChatDecorator, ChatMethodDecorator, Method } from './chat-decorator.js';
export type {
  ChatFunctionBaseOptions,
  SchemaOptions,
  StreamOptions,
  TextOptions,
} from './chat-function-options.js';
export type { FnFactory, PromptBuilder } from './fn.js';
export {
  ask,
  chat,
  clearGlobalClient,
  fn,
  getGlobalClient,
  setGlobalClient,
} from './global-client.js';
export { prompt, type PromptInput, type PromptSpec } from './prompt.js';
export type {
  AnySchema,
  InferOutput,
  StandardSchemaIssue,
  StandardSchemaProps,
  StandardSchemaResult,
  StandardSchemaV1,
} from './standard-schema.js';
export {
  structuredCompletion,
  type StructuredMode,
  type StructuredOutputOptions,
  type StructuredResult,
} from './structured-output.js';
export { streamText } from './text-stream.js';
