import type { z } from 'zod';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { toPathIssues } from '../../internal/zod-issues.js';
import type { CallTarget } from '../../transport/map-transport-error.js';

/**
 * Checks an upstream payload against its wire schema. A payload that is not what the provider
 * promised becomes a MalformedResponseError naming the first bad fields (never their values).
 */
export function parseWire<S extends z.ZodType>(
  schema: S,
  json: unknown,
  context: { target: CallTarget; status: number; what: string; requestId?: string | undefined },
): z.output<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const where = toPathIssues(parsed.error)
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  throw new MalformedResponseError(`response is not ${context.what} (${where})`, {
    ...context.target,
    status: context.status,
    ...(context.requestId ? { requestId: context.requestId } : {}),
  });
}
