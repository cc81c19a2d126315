import { randomBytes } from 'node:crypto';

/**
 * Gemini returns no tool-call ids (or, on some models, its own): each call without one gets
 * `call_` and 24 random hex characters, unique and fixed once given (29 characters: short enough
 * for every other provider's id rules, should the conversation fail over).
 */
export const createToolCallId = (): string => `call_${randomBytes(12).toString('hex')}`;
