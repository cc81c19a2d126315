import { MalformedResponseError } from '../../errors/malformed-response-error.js';
import { excerpt } from '../../internal/redact.js';
import type { CallTarget } from '../../transport/map-transport-error.js';

/** Parses an upstream body as JSON; anything else becomes a MalformedResponseError with a redacted excerpt. */
export function parseJsonBody(
  text: string,
  target: CallTarget,
  secrets: readonly string[],
  status: number,
): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedResponseError(`HTTP ${status} with a body that is not JSON`, {
      ...target,
      status,
      body: excerpt(text, secrets),
      cause: error,
    });
  }
}
