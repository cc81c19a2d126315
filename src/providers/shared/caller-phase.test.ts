import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../errors/aborted-error.js';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import { classifyError, isRetryable, UNEXPECTED_THROW_CLASS } from '../../errors/is-retryable.js';
import { ProviderError } from '../../errors/provider-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { inCallerPhase } from './caller-phase.js';

const target = { provider: 'p', model: 'm' };

describe('inCallerPhase', () => {
  it.each([
    ['a stack overflow', new RangeError('Maximum call stack size exceeded')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a transient-looking provider error', new ProviderError('boom', { ...target, status: 503 })],
    ['a thrown string', 'nope'],
  ])('%s becomes a caller ValidationError naming the provider, cause kept', (_, thrown) => {
    let caught: unknown;
    try {
      inCallerPhase(target, () => {
        throw thrown;
      });
    } catch (error) {
      caught = error;
    }
    expect(ValidationError.isInstance(caught)).toBe(true);
    expect(classifyError(caught)).toBe('caller');
    expect((caught as ValidationError).message).toContain('p could not build its request');
    expect((caught as ValidationError).cause).toBe(thrown);
  });

  it('passes caller errors and aborts through unchanged, and returns what the step returns', () => {
    const invalid = new ValidationError([{ path: 'tools', message: 'bad' }]);
    const aborted = new AbortedError();
    for (const thrown of [invalid, aborted]) {
      expect(() =>
        inCallerPhase(target, () => {
          throw thrown;
        }),
      ).toThrow(thrown);
    }
    expect(inCallerPhase(target, () => 42)).toBe(42);
  });
});

describe('classification of what the caller phase cannot see', () => {
  it('a non-FlexiAI throw (a custom provider) is explicitly transient and retryable', () => {
    expect(UNEXPECTED_THROW_CLASS).toBe('transient');
    expect(classifyError(new TypeError('custom provider bug'))).toBe('transient');
    expect(isRetryable(new TypeError('custom provider bug'))).toBe(true);
  });

  it('an InvalidRequestError no upstream answered is the caller, one with a status follows it', () => {
    expect(classifyError(new InvalidRequestError('bad', target))).toBe('caller');
    expect(classifyError(new InvalidRequestError('bad', { ...target, status: 400 }))).toBe(
      'caller',
    );
  });
});
