import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/helpers/fake-clock.js';
import { OverloadedError } from '../errors/overloaded-error.js';
import { ProviderError } from '../errors/provider-error.js';
import type { Logger } from '../internal/logger.js';
import { SHED_SUMMARY_INTERVAL_MS, ShedLog } from './shed-log.js';

function recordingLogger() {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const warn = (fields: Record<string, unknown>, message: string) =>
    lines.push({ fields, message });
  return { lines, logger: { warn } as unknown as Logger };
}

describe('ShedLog: sheds under overload are summed up, not logged one by one', () => {
  it('logs the first shed, counts the next ones, and sums them up once per interval', () => {
    const clock = new FakeClock();
    const { lines, logger } = recordingLogger();
    const log = new ShedLog(logger, clock);
    const shed = new OverloadedError('queue_full', { provider: 'a' });

    for (let i = 0; i < 1_000; i++) expect(log.record(shed, `req-${i}`)).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.fields).toMatchObject({ correlationId: 'req-0', reason: 'queue_full' });

    clock.advance(SHED_SUMMARY_INTERVAL_MS);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.fields).toMatchObject({ shed: 999 });
    expect(lines[1]!.message).toContain('999 more requests shed');

    // A quiet interval closes the window; the next shed is logged as it happens again.
    clock.advance(SHED_SUMMARY_INTERVAL_MS);
    expect(lines).toHaveLength(2);
    expect(clock.pending).toBe(0);
    log.record(shed, 'later');
    expect(lines).toHaveLength(3);
    expect(lines[2]!.fields).toMatchObject({ correlationId: 'later' });
  });

  it('leaves every other error to the caller (it is logged as before)', () => {
    const { lines, logger } = recordingLogger();
    const log = new ShedLog(logger, new FakeClock());
    expect(
      log.record(
        new ProviderError('upstream said no', { provider: 'a', model: 'm', status: 500 }),
        'x',
      ),
    ).toBe(false);
    expect(log.record(new Error('boom'), 'y')).toBe(false);
    expect(lines).toHaveLength(0);
  });
});
