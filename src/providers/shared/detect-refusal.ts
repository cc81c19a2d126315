import type { RefusalKind } from '../../errors/refusal-kind.js';

export interface RefusalFacts {
  status: number;
  message?: string | undefined;
  upstreamType?: string | undefined;
  upstreamCode?: string | undefined;
}

const CONTEXT_CODES = new Set(['context_length_exceeded', 'string_above_max_length']);
const CONTENT_CODES = new Set(['content_filter', 'content_policy_violation', 'SAFETY']);
const MODEL_CODES = new Set(['model_not_found', 'not_found_error', 'NOT_FOUND']);

// OpenAI "maximum context length is 8192 tokens", Anthropic "prompt is too long: 210000 tokens >
// 200000 maximum", Gemini "The input token count (1200000) exceeds the maximum number of tokens
// allowed (1048576)", vLLM/Ollama "exceeds the model's context window".
const CONTEXT_TEXT =
  /prompt is too long|context length|context window|context_length|maximum number of tokens|input token count|too many (input )?tokens|exceeds the model'?s? max/i;
const CONTENT_TEXT =
  /content (management )?policy|content filter|safety (system|filter)|flagged as/i;
const MODEL_TEXT =
  /model\b[^.]{0,80}\b(not found|does not exist|not supported|is not available|unknown)/i;

/**
 * Which refusal a 4xx response is, from the upstream's code, type and message (each provider's
 * wording): for a route's opt-in `failoverOn`. Never for 429, 401/403 or 5xx: those have their own
 * treatment.
 */
export function detectRefusal(facts: RefusalFacts): RefusalKind | undefined {
  const { status } = facts;
  if (status !== 400 && status !== 404 && status !== 413 && status !== 422) return undefined;
  const code = facts.upstreamCode ?? '';
  const text = `${facts.upstreamType ?? ''} ${facts.message ?? ''}`;
  if (CONTEXT_CODES.has(code) || CONTEXT_TEXT.test(text) || status === 413) return 'context_length';
  if (CONTENT_CODES.has(code) || CONTENT_TEXT.test(text)) return 'content_filter';
  if (MODEL_CODES.has(code) || MODEL_TEXT.test(text)) return 'model_not_found';
  if (status === 404 && /model/i.test(text)) return 'model_not_found';
  return undefined;
}
