import type { FinishReason } from '../types/finish-reason.js';
import type { SimAnswer, SimOperation, SimStreamEvent, SimWire } from './sim-wire.js';

type Body = Record<string, unknown>;
const asBody = (body: unknown): Body =>
  body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Body) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * Gemini-only reply options, given as `fault.ok({ wireExtras: { ... } })`:
 * - `blockReason`: the prompt is blocked (`promptFeedback.blockReason`, no candidates);
 * - `finishReason`: a raw Gemini finish reason (`RECITATION`, `SPII`, ...) instead of the mapped one;
 * - `safetyRatings`: the candidate's safety ratings;
 * - `cachedContentTokenCount`, `thoughtsTokenCount`: extra usage counts;
 * - `functionCallIds`: send the tool-call ids as `functionCall.id` (newer models do);
 * - `thoughtSignature`: attached to the first functionCall part;
 * - `thought`: a thought-summary part sent before the answer.
 */
export interface GeminiSimExtras {
  blockReason?: string;
  finishReason?: string;
  safetyRatings?: unknown[];
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  functionCallIds?: boolean;
  thoughtSignature?: string;
  thought?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const STATUS_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

const FINISH_REASONS: Record<FinishReason, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
  error: 'MALFORMED_FUNCTION_CALL',
};

/** `/v1beta/models/{m}:generateContent`, `/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:streamGenerateContent`. */
const CALL_PATH =
  /^\/v1(?:alpha|beta|beta1)?\/(?:projects\/[^/]+\/locations\/[^/]+\/publishers\/[^/]+\/|publishers\/[^/]+\/)?(?:models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const COUNT_TOKENS = ':countTokens';
/** The model reads: Gemini API `models.get`, and Vertex AI `publishers/google/models/{m}`. */
const MODEL_PATH =
  /^\/v1(?:alpha|beta|beta1)?\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/[^/]+\/)?models\/([^/:]+)$/;

/**
 * Gemini's `generateContent` wire as the simulator speaks it, on both endpoints at once: the
 * Gemini API (`/v1beta/models/...`, key in `x-goog-api-key`) and Vertex AI
 * (`/v1/projects/.../publishers/google/models/...`, `Authorization: Bearer`). Streams are SSE
 * (`alt=sse`), one GenerateContentResponse per event, no terminator. Checked by `@google/genai`.
 */
export class GeminiSimWire implements SimWire {
  readonly name = 'gemini';
  readonly baseURLPath = '';
  readonly requestIdHeader = 'x-request-id';
  readonly streamTerminator = undefined;
  readonly malformedStreamFrame =
    'data: {"candidates": [{"content": {"role": "model", "parts": [{"text": \n\n';

  route(method: string, path: string): SimOperation | undefined {
    const call = method === 'POST' ? CALL_PATH.exec(path) : null;
    if (call?.[2] === 'countTokens') {
      // Served as a `models` operation; the suffix tells models() to answer with a token count.
      return { kind: 'models', stream: false, model: `${call[1] ?? ''}${COUNT_TOKENS}` };
    }
    if (call) {
      return {
        kind: 'chat',
        stream: call[2] === 'streamGenerateContent',
        model: decodeURIComponent(call[1] ?? 'unknown'),
      };
    }
    const model = method === 'GET' ? MODEL_PATH.exec(path) : null;
    if (model) return { kind: 'models', stream: false, model: decodeURIComponent(model[1] ?? '') };
    return undefined;
  }

  authorized(
    headers: Record<string, string | string[] | undefined>,
    url: URL,
    apiKey: string,
  ): boolean {
    return (
      headers['x-goog-api-key'] === apiKey ||
      headers.authorization === `Bearer ${apiKey}` ||
      url.searchParams.get('key') === apiKey
    );
  }

  promptText(body: unknown): string {
    const b = asBody(body);
    const contents = [asBody(b.systemInstruction), ...asArray(b.contents).map(asBody)];
    return contents
      .map((content) =>
        asArray(content.parts)
          .map((part) => asBody(part).text)
          .filter((text): text is string => typeof text === 'string')
          .join(''),
      )
      .filter(Boolean)
      .join('\n');
  }

  wantsStreamUsage(): boolean {
    return true;
  }

  completion(answer: SimAnswer): unknown {
    const extras = this.extras(answer);
    if (extras.blockReason) return this.blocked(answer, extras);
    const parts: Body[] = [];
    if (extras.thought) parts.push({ text: extras.thought, thought: true });
    if (answer.content) parts.push({ text: answer.content });
    parts.push(...this.functionCallParts(answer, extras));
    return {
      candidates: [this.candidate(answer, extras, parts, true)],
      usageMetadata: this.usage(answer, extras, true),
      modelVersion: answer.model,
      responseId: answer.id,
    };
  }

  errorBody(
    status: number,
    message: string,
    type: string | undefined,
    code: string | undefined,
  ): unknown {
    const reason = code === 'invalid_api_key' ? 'API_KEY_INVALID' : code;
    return {
      error: {
        code: status,
        message,
        status: type ?? STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'UNKNOWN'),
        ...(reason
          ? {
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                  reason,
                  domain: 'googleapis.com',
                },
              ],
            }
          : {}),
      },
    };
  }

  errorInSuccess(message: string): unknown {
    return { error: { code: 500, message, status: 'INTERNAL' } };
  }

  models(model: string): unknown {
    if (model.endsWith(COUNT_TOKENS)) return { totalTokens: 1, promptTokensDetails: [] };
    return {
      name: `models/${model}`,
      version: '001',
      displayName: model,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    };
  }

  streamEvents(answer: SimAnswer): { events: SimStreamEvent[]; textEventIndexes: number[] } {
    const extras = this.extras(answer);
    if (extras.blockReason)
      return {
        events: [{ data: JSON.stringify(this.blocked(answer, extras)) }],
        textEventIndexes: [],
      };
    const events: SimStreamEvent[] = [];
    const textEventIndexes: number[] = [];
    const chunk = (parts: Body[], final: boolean): SimStreamEvent => ({
      data: JSON.stringify({
        candidates: [this.candidate(answer, extras, parts, final)],
        usageMetadata: this.usage(answer, extras, final),
        modelVersion: answer.model,
        responseId: answer.id,
      }),
    });
    if (extras.thought) events.push(chunk([{ text: extras.thought, thought: true }], false));
    for (const text of answer.chunks) {
      textEventIndexes.push(events.length);
      events.push(chunk([{ text }], false));
    }
    const calls = this.functionCallParts(answer, extras);
    // Gemini sends whole function calls, all of one turn in one chunk.
    if (calls.length) events.push(chunk(calls, false));
    events.push(chunk([{ text: '' }], true));
    return { events, textEventIndexes };
  }

  streamError(message: string, type: string | undefined): SimStreamEvent {
    const status = type ?? 'UNAVAILABLE';
    return {
      data: JSON.stringify({ error: { code: STATUS_CODES[status] ?? 500, message, status } }),
    };
  }

  private extras(answer: SimAnswer): GeminiSimExtras {
    return (answer.wireExtras ?? {}) as GeminiSimExtras;
  }

  private blocked(answer: SimAnswer, extras: GeminiSimExtras): Body {
    return {
      promptFeedback: {
        blockReason: extras.blockReason,
        safetyRatings: extras.safetyRatings ?? [
          { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
        ],
      },
      usageMetadata: {
        promptTokenCount: answer.promptTokens,
        totalTokenCount: answer.promptTokens,
      },
      modelVersion: answer.model,
      responseId: answer.id,
    };
  }

  private functionCallParts(answer: SimAnswer, extras: GeminiSimExtras): Body[] {
    return answer.toolCalls.map((call, i) => {
      let args: unknown = {};
      try {
        args = JSON.parse(call.function.arguments || '{}');
      } catch {
        args = {};
      }
      return {
        functionCall: {
          ...(extras.functionCallIds ? { id: call.id } : {}),
          name: call.function.name,
          args,
        },
        ...(i === 0 && extras.thoughtSignature
          ? { thoughtSignature: extras.thoughtSignature }
          : {}),
      };
    });
  }

  private candidate(answer: SimAnswer, extras: GeminiSimExtras, parts: Body[], final: boolean) {
    const finishReason = extras.finishReason ?? FINISH_REASONS[answer.finishReason];
    const filtered = final && answer.finishReason === 'content_filter';
    const ratings =
      extras.safetyRatings ??
      (filtered
        ? [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true }]
        : undefined);
    return {
      content: { role: 'model', parts },
      ...(final ? { finishReason } : {}),
      index: 0,
      ...(final && ratings ? { safetyRatings: ratings } : {}),
    };
  }

  private usage(answer: SimAnswer, extras: GeminiSimExtras, final: boolean): Body {
    // Streams report usage in every chunk: the prompt at once, the output counted at the end.
    const candidates = final ? answer.completionTokens : 0;
    const thoughts = final ? (extras.thoughtsTokenCount ?? answer.reasoning?.tokens ?? 0) : 0;
    return {
      promptTokenCount: answer.promptTokens,
      ...(final ? { candidatesTokenCount: candidates } : {}),
      totalTokenCount: answer.promptTokens + candidates + thoughts,
      ...(extras.cachedContentTokenCount
        ? { cachedContentTokenCount: extras.cachedContentTokenCount }
        : {}),
      ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: answer.promptTokens }],
    };
  }
}
