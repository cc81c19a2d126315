import { z } from 'zod';
import { reasoningBlockSchema, type ReasoningBlock } from '../types/reasoning.js';

const PREFIX = 'flexiai.r1.';
const blocksSchema = z.array(reasoningBlockSchema).min(1);

/**
 * Reasoning blocks (Anthropic thinking with its signature) as a Responses `encrypted_content`
 * string: opaque to the client, which sends the reasoning item back in the next turn's input, so
 * a stateless gateway can hand the blocks to the provider again. Not encrypted by us: the
 * signatures inside are the provider's, and the thinking text is also in the item's summary.
 */
export function encodeReasoning(blocks: readonly ReasoningBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks)).toString('base64url');
}

/** The blocks of an `encrypted_content` we made; undefined for anything else (e.g. OpenAI's own). */
export function decodeReasoning(content: string | null | undefined): ReasoningBlock[] | undefined {
  if (!content?.startsWith(PREFIX)) return undefined;
  try {
    const json: unknown = JSON.parse(
      Buffer.from(content.slice(PREFIX.length), 'base64url').toString('utf8'),
    );
    const parsed = blocksSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
