import { AuthenticationError } from '../../errors/authentication-error.js';
import type { ProviderError } from '../../errors/provider-error.js';
import { excerpt } from '../../internal/redact.js';
import { cleanFacts, createHttpError } from '../shared/create-http-error.js';
import type { ErrorInBody, UpstreamErrorInput } from '../shared/upstream-error.js';
import { header } from '../shared/headers.js';
import { geminiErrorEnvelopeSchema } from './gemini-wire.js';

export type GeminiErrorInput = UpstreamErrorInput;

interface GeminiErrorFacts {
  code?: number;
  message?: string;
  /** google.rpc status name, e.g. RESOURCE_EXHAUSTED. */
  status?: string;
  /** google.rpc.ErrorInfo reason, e.g. API_KEY_INVALID. */
  reason?: string;
  /** google.rpc.RetryInfo retryDelay in milliseconds. */
  retryDelayMs?: number;
}

/** `"37s"`, `"1.5s"` (protobuf Duration as JSON) in milliseconds. */
function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/** Reads Google's error envelope out of a body; nothing when the body is not one. */
export function readGeminiError(json: unknown): GeminiErrorFacts | undefined {
  const parsed = geminiErrorEnvelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { code, message, status, details } = parsed.data.error;
  const facts: GeminiErrorFacts = {};
  if (typeof code === 'number') facts.code = code;
  if (message) facts.message = message;
  if (status) facts.status = status;
  for (const detail of details ?? []) {
    const type = detail['@type'] ?? '';
    if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string')
      facts.reason = detail.reason;
    if (type.endsWith('google.rpc.RetryInfo')) {
      const delay = parseDuration(detail.retryDelay);
      if (delay !== undefined) facts.retryDelayMs = delay;
    }
  }
  return facts;
}

const parseText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Credentials refused, whatever the HTTP status (the Gemini API answers a bad key with 400). */
const AUTH_REASONS = new Set([
  'API_KEY_INVALID',
  'API_KEY_EXPIRED',
  'API_KEY_SERVICE_BLOCKED',
  'API_KEY_HTTP_REFERRER_BLOCKED',
  'ACCESS_TOKEN_EXPIRED',
  'ACCESS_TOKEN_TYPE_UNSUPPORTED',
  'CREDENTIALS_MISSING',
  'SERVICE_DISABLED',
  'CONSUMER_INVALID',
]);

function mapFacts(input: GeminiErrorInput, body: GeminiErrorFacts | undefined): ProviderError {
  const headers = { ...input.headers };
  // Google says how long to wait in the body (RetryInfo); a Retry-After header still wins.
  if (
    body?.retryDelayMs !== undefined &&
    headers['retry-after'] === undefined &&
    headers['retry-after-ms'] === undefined
  ) {
    headers['retry-after-ms'] = String(body.retryDelayMs);
  }
  const facts = {
    status: input.status,
    headers,
    target: input.target,
    message: body?.message,
    upstreamType: body?.status,
    upstreamCode: body?.reason,
    body: input.text ? excerpt(input.text, input.secrets) : undefined,
    requestId: header(input.headers, 'x-request-id'),
    secrets: input.secrets,
    now: input.now,
  };
  const authByBody =
    (body?.reason !== undefined && AUTH_REASONS.has(body.reason)) ||
    body?.status === 'UNAUTHENTICATED' ||
    body?.status === 'PERMISSION_DENIED';
  if (authByBody && input.status !== 401 && input.status !== 403 && input.status !== 429) {
    const clean = cleanFacts(facts);
    const label = [`HTTP ${input.status}`, clean.upstreamType].filter(Boolean).join(' ');
    return new AuthenticationError(clean.message ? `${label}: ${clean.message}` : label, {
      ...input.target,
      status: input.status,
      ...(clean.upstreamType ? { upstreamType: clean.upstreamType } : {}),
      ...(clean.upstreamCode ? { upstreamCode: clean.upstreamCode } : {}),
      ...(clean.requestId ? { requestId: clean.requestId } : {}),
      ...(facts.body === undefined ? {} : { body: facts.body }),
    });
  }
  return createHttpError(facts);
}

/** A non-2xx Gemini / Vertex AI response as a typed error. */
export function mapGeminiError(input: GeminiErrorInput): ProviderError {
  return mapFacts(input, readGeminiError(parseText(input.text)));
}

/**
 * An error object inside a 200 body or a stream event: the provider failed, whatever the status
 * says. The embedded code decides the class when it is an HTTP status (503 transient, 429 rate
 * limit, 400 caller); otherwise it counts as a transient provider failure.
 */
export const geminiErrorInBody: ErrorInBody = (json, input) => {
  if (json === null || typeof json !== 'object') return undefined;
  const candidate = Array.isArray(json) ? (json[0] as unknown) : json;
  if (candidate === null || typeof candidate !== 'object' || !('error' in candidate))
    return undefined;
  if (candidate.error === null || candidate.error === undefined) return undefined;
  const body = readGeminiError(candidate);
  const code = body?.code;
  const status = code !== undefined && code >= 400 && code <= 599 ? code : 500;
  const where =
    input.where === 'stream' ? 'error event in the stream' : 'error inside a 200 response';
  const message = `${where}${body?.message ? `: ${body.message}` : ''}`;
  return mapFacts({ ...input, status }, { ...body, message });
};
