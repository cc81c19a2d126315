/**
 * Bounds on what a client may send, checked before routing (library and gateway alike), so no
 * request can cost more than these to validate, convert or serialize. A request past any of them
 * is a 400 (ValidationError) naming the field; nothing is sent upstream. See
 * docs/security-guarantees.md.
 */
export const REQUEST_LIMITS = {
  /** Model names, route names, user ids, message names, tool call ids. */
  maxIdentifierLength: 256,
  maxMessages: 10_000,
  /** Content parts in one message. */
  maxContentParts: 1_000,
  maxTools: 512,
  /** Tool calls in one assistant message. */
  maxToolCalls: 512,
  maxStopSequences: 16,
  /** Metadata: entries, key and value lengths (OpenAI's own limits). */
  maxMetadataEntries: 16,
  maxMetadataKeyLength: 64,
  maxMetadataValueLength: 512,
  /** A JSON schema (tool parameters, response format): depth, values, longest string. */
  schema: { maxDepth: 32, maxNodes: 10_000, maxStringLength: 65_536 },
  /** Provider options: how many provider types or names, and each one's bounds. */
  maxProviderOptionEntries: 16,
  providerOptions: { maxDepth: 16, maxNodes: 10_000, maxStringLength: 1_048_576 },
} as const;
