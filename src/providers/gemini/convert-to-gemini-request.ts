import type { FieldIssue } from '../../errors/configuration-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import type { ContentPart } from '../../types/content-part.js';
import type { ChatMessage } from '../../types/message.js';
import { EFFORT_BUDGET_TOKENS, type ReasoningOption } from '../../types/reasoning.js';
import type { ResponseFormat } from '../../types/request.js';
import type { ToolCall, ToolChoice } from '../../types/tool.js';
import type { ProviderRequest } from '../provider.js';
import { SKIP_THOUGHT_SIGNATURE } from './thought-signature-store.js';

export type GeminiWirePart = Record<string, unknown>;
export interface GeminiWireContent {
  role: 'user' | 'model';
  parts: GeminiWirePart[];
}

export interface GeminiRequestOptions {
  /** The thought signature received with an earlier tool call, by its id. */
  signatureOf: (toolCallId: string) => string | undefined;
  /** Put Google's stand-in signature on function calls whose signature is unknown (Gemini 3+). */
  fillMissingSignatures: boolean;
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imageUrlPart(url: string, path: string): GeminiWirePart {
  const data = /^data:([^;,]+);base64,(.*)$/is.exec(url);
  if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const mimeType = extension === undefined ? undefined : IMAGE_TYPES[extension];
  if (!mimeType) {
    throw new ValidationError([
      {
        path,
        message:
          'Gemini needs the MIME type of an image URL and none can be told from this URL; ' +
          'send the image as base64 `data` with `mediaType` instead',
      },
    ]);
  }
  // fileData takes gs:// and http(s) URLs (fetched by Google); the key never goes with it.
  return { fileData: { mimeType, fileUri: url } };
}

function convertParts(content: string | ContentPart[], path: string): GeminiWirePart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part, i): GeminiWirePart[] => {
    if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
    if (part.type === 'file') {
      if ('fileId' in part) {
        throw new ValidationError([
          {
            path: `${path}.${i}.fileId`,
            message: 'Gemini cannot read OpenAI file ids; send the PDF as base64 data instead',
          },
        ]);
      }
      return [{ inlineData: { mimeType: part.mediaType, data: part.data.trim() } }];
    }
    if ('url' in part) return [imageUrlPart(part.url, `${path}.${i}.url`)];
    return [{ inlineData: { mimeType: part.mediaType, data: part.data } }];
  });
}

function parseArguments(call: ToolCall, path: string): Record<string, unknown> {
  if (call.function.arguments.trim() === '') return {};
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments);
  } catch {
    args = undefined;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ValidationError([
      { path, message: 'Gemini needs tool-call arguments that are a JSON object' },
    ]);
  }
  return args as Record<string, unknown>;
}

/** A tool result as Gemini's `response` object: a JSON object as it is, anything else as `output`. */
function toolResponse(content: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(content);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Plain text.
  }
  return { output: content };
}

const textOf = (content: string | { text: string }[]): string =>
  typeof content === 'string' ? content : content.map((part) => part.text).join('');

interface Conversation {
  contents: GeminiWireContent[];
  system: GeminiWirePart[];
}

function convertMessages(messages: ChatMessage[], options: GeminiRequestOptions): Conversation {
  const contents: GeminiWireContent[] = [];
  const system: GeminiWirePart[] = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, i) => {
    const path = `messages.${i}`;
    switch (message.role) {
      case 'system':
        system.push(...convertParts(textOf(message.content), `${path}.content`));
        return;
      case 'user': {
        const parts = convertParts(message.content, `${path}.content`);
        if (parts.length) contents.push({ role: 'user', parts });
        return;
      }
      case 'assistant': {
        const parts =
          message.content === null || message.content === undefined
            ? []
            : convertParts(textOf(message.content), `${path}.content`);
        let signed = false;
        message.toolCalls?.forEach((call, j) => {
          toolNames.set(call.id, call.function.name);
          const args = parseArguments(call, `${path}.toolCalls.${j}.function.arguments`);
          const known = options.signatureOf(call.id);
          const signature =
            known ??
            (!signed && options.fillMissingSignatures ? SKIP_THOUGHT_SIGNATURE : undefined);
          if (signature !== undefined) signed = true;
          parts.push({
            functionCall: { name: call.function.name, args },
            ...(signature === undefined ? {} : { thoughtSignature: signature }),
          });
        });
        if (parts.length) contents.push({ role: 'model', parts });
        return;
      }
      case 'tool': {
        const name = toolNames.get(message.toolCallId);
        if (name === undefined) {
          throw new ValidationError([
            {
              path: `${path}.toolCallId`,
              message: 'answers no tool call of an earlier assistant message',
            },
          ]);
        }
        const part = {
          functionResponse: { name, response: toolResponse(textOf(message.content)) },
        };
        const last = contents.at(-1);
        // The results of one turn's parallel calls travel together in one user content.
        if (last?.role === 'user' && last.parts.every((p) => 'functionResponse' in p))
          last.parts.push(part);
        else contents.push({ role: 'user', parts: [part] });
        return;
      }
    }
  });
  return { contents, system };
}

function convertToolChoice(choice: ToolChoice): Record<string, unknown> {
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
}

function convertResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  // responseJsonSchema takes JSON Schema as callers write it; responseSchema would need the
  // OpenAPI subset. The schema's name, description and strict flag have no Gemini field.
  return { responseMimeType: 'application/json', responseJsonSchema: format.jsonSchema.schema };
}

/**
 * The unified reasoning option as Gemini's thinkingConfig: a token budget (Gemini 2.5; Gemini 3
 * still takes it), effort converted to one; `none` or a budget of 0 turns thinking off. Thought
 * tokens are reported in usage either way.
 */
function thinkingConfig(reasoning: ReasoningOption): Record<string, unknown> {
  if (reasoning.budgetTokens !== undefined) return { thinkingBudget: reasoning.budgetTokens };
  const effort = reasoning.effort ?? 'medium';
  return { thinkingBudget: effort === 'none' ? 0 : EFFORT_BUDGET_TOKENS[effort] };
}

function generationConfig(request: ProviderRequest): Record<string, unknown> {
  const config: Record<string, unknown> = { candidateCount: 1 };
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stop !== undefined)
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  if (request.responseFormat !== undefined)
    Object.assign(config, convertResponseFormat(request.responseFormat));
  if (request.reasoning !== undefined) config.thinkingConfig = thinkingConfig(request.reasoning);
  return config;
}

/** The unified request as a Gemini `GenerateContentRequest` (the same body for both endpoints). */
export function convertToGeminiRequest(
  request: ProviderRequest,
  options: GeminiRequestOptions,
): Record<string, unknown> {
  const { contents, system } = convertMessages(request.messages, options);
  if (!contents.length) {
    const issue: FieldIssue = {
      path: 'messages',
      message: 'Gemini needs at least one user or assistant message besides system messages',
    };
    throw new ValidationError([issue]);
  }
  const body: Record<string, unknown> = { contents };
  if (system.length) body.systemInstruction = { parts: system };
  body.generationConfig = generationConfig(request);
  if (request.tools !== undefined) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.function.name,
          ...(tool.function.description === undefined
            ? {}
            : { description: tool.function.description }),
          ...(tool.function.parameters === undefined
            ? {}
            : { parametersJsonSchema: tool.function.parameters }),
        })),
      },
    ];
  }
  if (request.toolChoice !== undefined)
    body.toolConfig = { functionCallingConfig: convertToolChoice(request.toolChoice) };
  return body;
}
