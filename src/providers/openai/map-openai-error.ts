import { AuthenticationError } from '../../errors/authentication-error.js';
import { ProviderError } from '../../errors/provider-error.js';
import { excerpt } from '../../internal/redact.js';
import { createHttpError } from '../shared/create-http-error.js';
import type { ErrorInBody, UpstreamErrorInput } from '../shared/upstream-error.js';
import { cleanUpstreamField, cleanUpstreamText } from '../shared/upstream-text.js';
import { header } from '../shared/headers.js';
import { openAIErrorBodySchema } from './openai-wire.js';

export type OpenAIErrorInput = UpstreamErrorInput;

interface ErrorFields {
  message?: string;
  type?: string;
  code?: string;
}

function readErrorBody(text: string): ErrorFields {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  return fieldsOf(json);
}

function fieldsOf(json: unknown): ErrorFields {
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

/**
 * An error object inside a 200 body or a stream event: the provider failed, whatever the status
 * says. Its message, type and code are redacted of every secret and capped.
 */
export const openAIErrorInBody: ErrorInBody = (json, input) => {
  if (json === null || typeof json !== 'object' || !('error' in json)) return undefined;
  const { error } = json as { error: unknown };
  if (error === null || error === undefined) return undefined;
  const fields = fieldsOf(json);
  const type = cleanUpstreamField(fields.type, input.secrets);
  const code = cleanUpstreamField(fields.code, input.secrets);
  const requestId = input.requestId ?? header(input.headers, 'x-request-id');
  const where =
    input.where === 'stream' ? 'error event in the stream' : 'error inside a 200 response';
  return new ProviderError(
    `${where}${fields.message ? `: ${excerpt(fields.message, input.secrets, 300)}` : ''}`,
    {
      ...input.target,
      status: 200,
      ...(type ? { upstreamType: type } : {}),
      ...(code ? { upstreamCode: code } : {}),
      body: excerpt(input.text, input.secrets),
      ...(requestId ? { requestId: cleanUpstreamText(requestId, input.secrets, 256) } : {}),
    },
  );
};
