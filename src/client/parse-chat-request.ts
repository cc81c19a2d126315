import { ValidationError } from '../errors/validation-error.js';
import { checkRequestBounds, LIBRARY_FIELD_NAMES } from '../internal/request-bounds.js';
import { toPathIssues } from '../internal/zod-issues.js';
import { chatRequestSchema, type ParsedChatRequest } from '../types/request.js';

/**
 * Validates a request before routing and before any network call; a bad field becomes a
 * ValidationError naming its path. The open-ended parts (tool schemas, the response schema,
 * provider options) are checked against REQUEST_LIMITS first, iteratively, so no input can make
 * validation, conversion or serialization overflow the stack or run long.
 */
export function parseChatRequest(input: unknown): ParsedChatRequest {
  if (input === null || typeof input !== 'object') {
    throw new ValidationError([{ path: '', message: 'the request must be an object' }]);
  }
  const bounds = checkRequestBounds(input, LIBRARY_FIELD_NAMES);
  if (bounds.length) throw new ValidationError(bounds);
  const result = chatRequestSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toPathIssues(result.error));
  return result.data;
}
