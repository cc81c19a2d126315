import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mapErrorToHttp } from '../gateway/map-error-to-http.js';
import { toPathIssues } from '../internal/zod-issues.js';

/** One line of an OpenAI Batch API input file. */
export const batchInputLineSchema = z.looseObject({
  custom_id: z.string().min(1).max(512),
  method: z.literal('POST'),
  url: z.enum(['/v1/chat/completions', '/v1/embeddings']),
  body: z.record(z.string(), z.unknown()),
});
export type BatchInputLine = z.output<typeof batchInputLineSchema>;

/** A parsed input line, or why it cannot run (with what could be read of its custom_id). */
export type ParsedLine =
  { ok: true; line: BatchInputLine } | { ok: false; customId: string | undefined; message: string };

export function parseInputLine(text: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, customId: undefined, message: 'not valid JSON' };
  }
  const parsed = batchInputLineSchema.safeParse(json);
  if (parsed.success) return { ok: true, line: parsed.data };
  const id = (json as { custom_id?: unknown } | null)?.custom_id;
  const where = toPathIssues(parsed.error)
    .slice(0, 3)
    .map((i) => `${i.path || '(line)'}: ${i.message}`)
    .join('; ');
  return { ok: false, customId: typeof id === 'string' && id ? id : undefined, message: where };
}

const lineId = (): string => `batch_req_${randomBytes(12).toString('hex')}`;

/** A successful line of the Batch API output format. */
export const okOutputLine = (customId: string, requestId: string, body: unknown): string =>
  JSON.stringify({
    id: lineId(),
    custom_id: customId,
    response: { status_code: 200, request_id: requestId, body },
    error: null,
  });

/**
 * A failed line: the HTTP status and OpenAI error body the gateway would have answered with
 * (never a credential: error messages are redacted when built), and `error: { code, message }`.
 */
export function errorOutputLine(
  customId: string,
  requestId: string | undefined,
  error: unknown,
): string {
  const mapped = mapErrorToHttp(error);
  return JSON.stringify({
    id: lineId(),
    custom_id: customId,
    response: { status_code: mapped.status, request_id: requestId ?? null, body: mapped.body },
    error: { code: mapped.body.error.code ?? 'error', message: mapped.body.error.message },
  });
}

/** A line that could not be run at all (invalid JSON or shape, duplicate custom_id). */
export const invalidOutputLine = (customId: string, lineNumber: number, message: string): string =>
  JSON.stringify({
    id: lineId(),
    custom_id: customId,
    response: null,
    error: { code: 'invalid_request', message: `line ${lineNumber}: ${message}` },
  });
