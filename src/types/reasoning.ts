import { z } from 'zod';

/** How hard a reasoning model should think. `none` turns thinking off where a model allows it. */
export const reasoningEffortSchema = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof reasoningEffortSchema>;

/**
 * The unified `reasoning` request option, mapped per provider: OpenAI `reasoning_effort`,
 * Anthropic extended thinking `budget_tokens`, Gemini `thinkingConfig.thinkingBudget`. Give an
 * effort, a token budget, or both (each provider takes the one it understands, converting the
 * other; see docs/fidelity.md for the table).
 */
export const reasoningOptionSchema = z
  .strictObject({
    effort: reasoningEffortSchema.optional(),
    /** Most tokens the model may spend thinking (Anthropic needs at least 1024). */
    budgetTokens: z.number().int().min(0).optional(),
  })
  .refine((r) => r.effort !== undefined || r.budgetTokens !== undefined, {
    message: 'needs effort or budgetTokens',
  });
export type ReasoningOption = z.infer<typeof reasoningOptionSchema>;

/**
 * A block of the model's reasoning, kept on the assistant message so it can be sent back in later
 * turns (Anthropic requires its thinking blocks, signature included, to continue a tool-use turn
 * with thinking on). `signature`/`data` are opaque and only valid with the provider that made them.
 */
export const reasoningBlockSchema = z.union([
  z.strictObject({
    type: z.literal('thinking'),
    text: z.string(),
    signature: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal('redacted-thinking'),
    data: z.string().min(1),
  }),
]);
export type ReasoningBlock = z.infer<typeof reasoningBlockSchema>;

/** Effort as a thinking budget, for providers that take a budget (Anthropic, Gemini 2.5). */
export const EFFORT_BUDGET_TOKENS: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24_576,
  xhigh: 32_768,
};

/** A budget as an effort, for providers that take an effort (OpenAI). */
export function effortOfBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens === 0) return 'none';
  if (budgetTokens <= EFFORT_BUDGET_TOKENS.minimal) return 'minimal';
  if (budgetTokens <= EFFORT_BUDGET_TOKENS.low) return 'low';
  if (budgetTokens <= EFFORT_BUDGET_TOKENS.medium) return 'medium';
  if (budgetTokens <= EFFORT_BUDGET_TOKENS.high) return 'high';
  return 'xhigh';
}
