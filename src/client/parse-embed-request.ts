import { ValidationError } from '../errors/validation-error.js';
import { toPathIssues } from '../internal/zod-issues.js';
import { embedRequestSchema, type ParsedEmbedRequest } from '../types/embedding.js';

/** Validates an embedding request before any network call; a bad field becomes a ValidationError naming its path. */
export function parseEmbedRequest(input: unknown): ParsedEmbedRequest {
  if (input === null || typeof input !== 'object') {
    throw new ValidationError([{ path: '', message: 'the request must be an object' }]);
  }
  const result = embedRequestSchema.safeParse(input);
  if (!result.success) throw new ValidationError(toPathIssues(result.error));
  return result.data;
}
