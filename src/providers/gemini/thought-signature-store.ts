/**
 * Gemini thinking models attach an opaque `thoughtSignature` to their function calls, and Gemini 3
 * refuses a later turn (400) whose function calls lost it. The unified tool call has no field for
 * it, so each provider remembers the signatures it received by tool-call id (bounded, oldest
 * dropped first) and puts them back when the conversation comes back. Callers that keep history
 * elsewhere can pass them in `providerOptions.<gemini|vertexai>.thoughtSignatures` instead.
 */
export class ThoughtSignatureStore {
  private readonly signatures = new Map<string, string>();

  constructor(private readonly maxEntries = 4_096) {}

  remember(toolCallId: string, signature: string): void {
    this.signatures.delete(toolCallId);
    this.signatures.set(toolCallId, signature);
    while (this.signatures.size > this.maxEntries) {
      const oldest = this.signatures.keys().next();
      if (oldest.done) break;
      this.signatures.delete(oldest.value);
    }
  }

  get(toolCallId: string): string | undefined {
    return this.signatures.get(toolCallId);
  }

  get size(): number {
    return this.signatures.size;
  }
}

/**
 * Google's documented stand-in for a function call whose signature is unknown (history from
 * another model or another process): Gemini 3 accepts it instead of failing the request.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** Gemini 3 and later validate signatures; earlier models do not need the stand-in. */
export function validatesThoughtSignatures(model: string): boolean {
  const match = /gemini-(\d+)/.exec(model);
  return match !== null && Number(match[1]) >= 3;
}
