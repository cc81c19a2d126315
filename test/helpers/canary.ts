import { inspect } from 'node:util';
import { expect } from 'vitest';

/**
 * Canary credentials: shaped like real keys, unique, and searched for everywhere a key must never
 * appear (logs, errors, JSON, HTTP responses, Redis payloads).
 */
export const CANARY = {
  openai: 'sk-proj-CANARY.openai0123456789abcdefABCDEF0123',
  compatible: 'sk-CANARYcompatible0123456789abcdefABCDEF',
  anthropic: 'sk-ant-api03.CANARYanthropic0123456789abcdefABCDEF',
  gemini: 'AIza.CANARYgemini0123456789abcdefABCDEFGH',
  vertexToken: 'ya29.CANARYvertex0123456789abcdefABCDEF',
  gateway: 'fk-gw-CANARYgateway0123456789abcdef',
} as const;

const ALL = Object.values(CANARY);

/** Fails when any canary, or a long fragment of one, occurs in `text`. */
export function expectNoCanary(text: string, where = 'output'): void {
  for (const key of ALL) {
    expect(text.includes(key), `canary key found in ${where}`).toBe(false);
    // A key must not leak in pieces either (e.g. a prefix kept by a naive mask).
    expect(text.includes(key.slice(0, 16)), `canary key prefix found in ${where}`).toBe(false);
  }
}

/** Everything an error exposes: message, stack, JSON, inspect, and the whole cause chain. */
export function errorSurface(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 10; depth += 1) {
    const e = current as Error;
    parts.push(String(e.message), String(e.stack), JSON.stringify(e), inspect(e, { depth: 10 }));
    current = e.cause;
  }
  return parts.join('\n');
}
