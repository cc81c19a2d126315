import type { z } from 'zod';
import type { HttpResponse, HttpStreamResponse } from '../../transport/http-client.js';
import type { CallTarget } from '../../transport/map-transport-error.js';
import { inCallerPhase } from './caller-phase.js';
import { header } from './headers.js';
import { parseJsonBody } from './parse-json-body.js';
import { parseWire } from './parse-wire.js';
import { scrubErrorSecrets, scrubStreamErrors } from './scrub-error.js';
import type { ProviderHttp } from './provider-http.js';
import type { ErrorInBody, ErrorMapping } from './upstream-error.js';

/** Where a call goes and with which credentials; decided by the provider, not the caller. */
export interface ProviderEndpoint {
  url: URL;
  headers: Record<string, string>;
  /** How a non-2xx answer becomes a typed error, with this call's credentials to redact. */
  errors: ErrorMapping;
}

/** What a success handler gets besides the response. */
export interface ExchangeContext {
  target: CallTarget;
  secrets: readonly string[];
  /** The client clock when the response arrived (epoch ms). */
  now: number;
}

/** Reads a 2xx answer: a whole JSON body, or an open event stream. */
export type SuccessHandler<R> =
  | { kind: 'json'; handle(response: HttpResponse, context: ExchangeContext): R }
  | { kind: 'stream'; handle(response: HttpStreamResponse, context: ExchangeContext): R };

export interface PostJsonOptions<R> {
  http: ProviderHttp;
  /** The model of this call (for errors and the target). */
  model: string;
  signal?: AbortSignal | undefined;
  /**
   * The wire body, built from the caller's request alone (convert, merge provider options). Runs
   * in the caller phase together with its serialization: whatever it throws is the caller's error.
   */
  buildBody(): unknown;
  /**
   * URL, headers and credentials (a token fetch may fail: that is the provider's failure). Runs
   * after the body is built, so a request the provider cannot express costs no token.
   */
  endpoint(): ProviderEndpoint | Promise<ProviderEndpoint>;
  onSuccess: SuccessHandler<R>;
}

/**
 * The one request skeleton every built-in adapter uses (in the manner of AI SDK's `postJsonToApi`
 * with response handlers). Two phases, and the line between them is the rule "only the provider
 * can fail the provider":
 *
 * 1. Caller phase: build the wire body and serialize it. Anything thrown here (a ValidationError
 *    from a converter, a provider option the adapter owns, a stack overflow on a pathological
 *    value, a bug in a converter) becomes a caller error (`inCallerPhase`): 400, no failover, the
 *    circuit untouched, and no upstream call.
 * 2. Upstream exchange: credentials, send, status, body, error-in-200, wire schema. Failures here
 *    are the provider's (typed by the adapter's mappers) and count as the failover rules say.
 *    Every error leaving it (streamed ones included) is scrubbed of the call's secrets by value.
 */
export async function postJsonToProvider<R>(options: PostJsonOptions<R>): Promise<R> {
  const target = options.http.target(options.model);
  const body = inCallerPhase(target, () => JSON.stringify(options.buildBody()));
  const endpoint = await options.endpoint();
  const handler = options.onSuccess;
  const call = {
    url: endpoint.url,
    method: 'POST' as const,
    headers:
      handler.kind === 'stream'
        ? { ...endpoint.headers, accept: 'text/event-stream' }
        : endpoint.headers,
    body,
    signal: options.signal,
    model: options.model,
  };
  const { secrets } = endpoint.errors;
  const context = (): ExchangeContext => ({ target, secrets, now: endpoint.errors.now() });
  try {
    if (handler.kind === 'stream') {
      const response = await options.http.streamOk(call, endpoint.errors);
      return handler.handle(response, context());
    }
    const response = await options.http.sendOk(call, endpoint.errors);
    return handler.handle(response, context());
  } catch (error) {
    throw scrubErrorSecrets(error, secrets);
  }
}

export interface JsonResponseOptions<S extends z.ZodType, R> {
  /** The wire schema of a successful answer, and what it is called in errors. */
  schema: S;
  what: string;
  /** The adapter's check for an error object inside a 200. */
  errorInBody: ErrorInBody;
  /** The header the provider sends its request id in. */
  requestIdHeader: string;
  map(wire: z.output<S>, meta: ExchangeContext & { requestId: string | undefined }): R;
}

/**
 * The JSON success handler: parse the body (not JSON: MalformedResponseError), look for an error
 * object inside the 200, check the wire schema, then map. Every failure here is the provider's.
 */
export function jsonResponse<S extends z.ZodType, R>(
  options: JsonResponseOptions<S, R>,
): SuccessHandler<R> {
  return {
    kind: 'json',
    handle(response, { target, secrets, now }) {
      const requestId = header(response.headers, options.requestIdHeader);
      const json = parseJsonBody(response.text, target, secrets, response.status);
      const inBody = options.errorInBody(json, {
        target,
        secrets,
        text: response.text,
        headers: response.headers,
        requestId,
        now,
        where: 'body',
      });
      if (inBody) throw inBody;
      const wire = parseWire(options.schema, json, {
        target,
        status: response.status,
        what: options.what,
        requestId,
      });
      return options.map(wire, { target, secrets, now, requestId });
    },
  };
}

/**
 * The stream success handler: the adapter maps the open SSE response to chunks. Errors thrown
 * while iterating are scrubbed of the call's secrets like every other error of the exchange.
 */
export const streamResponse = <T>(
  handle: (response: HttpStreamResponse, context: ExchangeContext) => AsyncIterable<T>,
): SuccessHandler<AsyncIterable<T>> => ({
  kind: 'stream',
  handle: (response, context) => scrubStreamErrors(handle(response, context), context.secrets),
});
