import type { SimAnswer, SimOperation, SimStreamEvent, SimWire } from './sim-wire.js';

type Body = Record<string, unknown>;
const asBody = (body: unknown): Body =>
  body !== null && typeof body === 'object' ? (body as Body) : {};

const DEFAULT_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return '';
}

/** OpenAI Chat Completions as the simulator speaks it (checked by the official `openai` SDK). */
export class OpenAISimWire implements SimWire {
  readonly name = 'openai';
  readonly baseURLPath: string;
  readonly requestIdHeader = 'x-request-id';
  readonly streamTerminator: SimStreamEvent = { data: '[DONE]' };

  constructor(private readonly basePath = '/v1') {
    this.baseURLPath = basePath;
  }

  route(method: string, path: string, body: unknown): SimOperation | undefined {
    if (method === 'POST' && path === `${this.basePath}/chat/completions`) {
      const b = asBody(body);
      return {
        kind: 'chat',
        stream: b.stream === true,
        model: typeof b.model === 'string' ? b.model : 'unknown',
      };
    }
    if (method === 'GET' && path === `${this.basePath}/models`)
      return { kind: 'models', stream: false, model: '' };
    return undefined;
  }

  authorized(
    headers: Record<string, string | string[] | undefined>,
    _url: URL,
    apiKey: string,
  ): boolean {
    return headers.authorization === `Bearer ${apiKey}`;
  }

  promptText(body: unknown): string {
    const messages = asBody(body).messages;
    if (!Array.isArray(messages)) return '';
    return messages.map((m) => messageText(asBody(m).content)).join('\n');
  }

  wantsStreamUsage(body: unknown): boolean {
    return asBody(asBody(body).stream_options).include_usage === true;
  }

  completion(answer: SimAnswer): unknown {
    return {
      id: answer.id,
      object: 'chat.completion',
      created: answer.created,
      model: answer.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.content,
            refusal: null,
            ...(answer.toolCalls.length ? { tool_calls: answer.toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: answer.finishReason === 'error' ? 'stop' : answer.finishReason,
        },
      ],
      usage: this.usage(answer),
      system_fingerprint: 'fp_flexiai_sim',
    };
  }

  errorBody(
    status: number,
    message: string,
    type: string | undefined,
    code: string | undefined,
  ): unknown {
    return {
      error: {
        message,
        type: type ?? DEFAULT_TYPES[status] ?? 'server_error',
        param: null,
        code: code ?? null,
      },
    };
  }

  errorInSuccess(message: string): unknown {
    return { error: { message, type: 'server_error', param: null, code: null } };
  }

  models(model: string): unknown {
    return {
      object: 'list',
      data: [{ id: model, object: 'model', created: 1_700_000_000, owned_by: 'flexiai-simulator' }],
    };
  }

  streamEvents(answer: SimAnswer, includeUsage: boolean) {
    const events: SimStreamEvent[] = [];
    const textEventIndexes: number[] = [];
    const chunk = (delta: Body, finish: string | null = null): SimStreamEvent => ({
      data: JSON.stringify({
        id: answer.id,
        object: 'chat.completion.chunk',
        created: answer.created,
        model: answer.model,
        system_fingerprint: 'fp_flexiai_sim',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      }),
    });
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const text of answer.chunks) {
      textEventIndexes.push(events.length);
      events.push(chunk({ content: text }));
    }
    answer.toolCalls.forEach((call, index) => {
      events.push(
        chunk({
          tool_calls: [
            {
              index,
              id: call.id,
              type: 'function',
              function: { name: call.function.name, arguments: '' },
            },
          ],
        }),
      );
      for (const piece of splitArguments(call.function.arguments)) {
        events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    events.push(chunk({}, answer.finishReason === 'error' ? 'stop' : answer.finishReason));
    if (includeUsage) {
      events.push({
        data: JSON.stringify({
          id: answer.id,
          object: 'chat.completion.chunk',
          created: answer.created,
          model: answer.model,
          system_fingerprint: 'fp_flexiai_sim',
          choices: [],
          usage: this.usage(answer),
        }),
      });
    }
    return { events, textEventIndexes };
  }

  streamError(message: string, type: string | undefined): SimStreamEvent {
    return {
      data: JSON.stringify({
        error: { message, type: type ?? 'server_error', param: null, code: null },
      }),
    };
  }

  private usage(answer: SimAnswer) {
    return {
      prompt_tokens: answer.promptTokens,
      completion_tokens: answer.completionTokens,
      total_tokens: answer.promptTokens + answer.completionTokens,
      ...(answer.reasoning?.tokens
        ? { completion_tokens_details: { reasoning_tokens: answer.reasoning.tokens } }
        : {}),
    };
  }
}

/** Tool-call arguments arrive in fragments on the real API; the simulator cuts them in 3. */
function splitArguments(args: string): string[] {
  if (args.length < 3) return args ? [args] : [];
  const third = Math.ceil(args.length / 3);
  return [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)];
}
