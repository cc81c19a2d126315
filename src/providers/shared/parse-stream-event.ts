import type { z } from 'zod';
import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { excerpt } from '../../internal/redact.js';
import type { CallTarget } from '../../transport/map-transport-error.js';

export interface StreamEventContext {
  target: CallTarget;
  secrets: readonly string[];
}

const malformed = (message: string, data: string, context: StreamEventContext, cause?: unknown) =>
  new MalformedResponseError(message, {
    ...context.target,
    status: 200,
    body: excerpt(data, context.secrets),
    ...(cause === undefined ? {} : { cause }),
  });

/** A stream event's data as JSON; anything else is a MalformedResponseError with a redacted excerpt. */
export function parseEventJson(data: string, context: StreamEventContext): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw malformed('stream event is not JSON', data, context, error);
  }
}

/** A stream event checked against its wire schema (`what` names the expected event). */
export function parseEventWire<S extends z.ZodType>(
  schema: S,
  json: unknown,
  data: string,
  context: StreamEventContext & { what: string },
): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw malformed(`stream event is not ${context.what}`, data, context);
  return parsed.data;
}
