import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../../errors/authentication-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { excerpt } from '../../internal/redact.js';
import { createHttpError } from '../shared/create-http-error.js';
import type { UpstreamErrorInput } from '../shared/upstream-error.js';
import { header } from '../shared/headers.js';
import { openAIErrorBodySchema } from './openai-wire.js';

export type OpenAIErrorInput = UpstreamErrorInput;

function readErrorBody(text: string): { message?: string; type?: string; code?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = openAIErrorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const error = parsed.data.error;
  if (typeof error === 'string') return { message: error };
  return {
    ...(error.message ? { message: error.message } : {}),
    ...(error.type ? { type: error.type } : {}),
    ...(error.code !== null && error.code !== undefined ? { code: String(error.code) } : {}),
  };
}

/** A non-2xx OpenAI (or OpenAI-compatible) response as a typed error. */
export function mapOpenAIError(input: OpenAIErrorInput): ProviderError {
  const body = readErrorBody(input.text);
  const facts = {
    status: input.status,
    headers: input.headers,
    target: input.target,
    message: body.message,
    upstreamType: body.type,
    upstreamCode: body.code,
    body: input.text ? excerpt(input.text, input.secrets) : undefined,
    requestId: header(input.headers, 'x-request-id'),
    secrets: input.secrets,
    now: input.now,
  };
  // A 429 for an exhausted quota will not pass with time: the account is misconfigured.
  if (input.status === 429 && body.code === 'insufficient_quota') {
    const options = { ...input.target, status: 429, upstreamCode: body.code, shouldRetry: false };
    return new AuthenticationError(
      'HTTP 429 insufficient_quota: the account has no quota left',
      options,
    );
  }
  return createHttpError(facts);
}

/** An error object inside a 200 body: the provider failed, whatever the status says. */
export function errorInSuccessBody(
  json: unknown,
  input: Omit<OpenAIErrorInput, 'status' | 'headers'> & { headers: IncomingHttpHeaders },
): ProviderError | undefined {
  if (json === null || typeof json !== 'object' || !('error' in json)) return undefined;
  const { error } = json as { error: unknown };
  if (error === null || error === undefined) return undefined;
  const body = readErrorBody(input.text);
  return new ProviderError(
    `error inside a 200 response${body.message ? `: ${excerpt(body.message, input.secrets, 300)}` : ''}`,
    {
      ...input.target,
      status: 200,
      ...(body.type ? { upstreamType: body.type } : {}),
      body: excerpt(input.text, input.secrets),
      ...(header(input.headers, 'x-request-id')
        ? { requestId: header(input.headers, 'x-request-id') }
        : {}),
    },
  );
}
