import { ValidationError } from '../errors/validation-error.js';
import { toPathIssues } from '../internal/zod-issues.js';
import { chatRequestSchema, type ParsedChatRequest } from '../types/request.js';

/** Validates a request before any network call; a bad field becomes a ValidationError naming its path. */
export function parseChatRequest(input: unknown): ParsedChatRequest {
  if (input === null || typeof input !== 'object') {
    throw new ValidationError([{ path: '', message: 'the request must be an object' }]);
  }
  const result = chatRequestSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toPathIssues(result.error));
  return result.data;
}
