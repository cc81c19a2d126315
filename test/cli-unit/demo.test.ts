import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDemo, demoPacing } from '../../src/cli/commands/demo.js';
import { runMain } from '../../src/cli/main.js';
import { testIO } from '../helpers/cli-io.js';

/**
 * `flexiai demo` in process. The walkthrough runs on real time (its simulators and the client's
 * breaker are real); it takes a few seconds with a short recovery. Assertions are on what the
 * script guarantees whatever the machine's speed: the phases, the circuit opening and closing,
 * the streamed answer, and the final state. Its pauses for a person watching are shortened (the
 * rate limit's Retry-After, the pause before a held walkthrough): the same script, less waiting.
 */
describe('flexiai demo (in process)', () => {
  beforeEach(() => vi.stubEnv('NO_COLOR', '1'));
  afterEach(() => vi.unstubAllEnvs());

  const quick = { holdStartMs: 0, rateLimitSeconds: 0.3 };

  it('paces the walkthrough for a person: 1.5 s to open the dashboard with --hold, a 2 s rate limit', () => {
    expect(demoPacing).toEqual({ holdStartMs: 1_500, rateLimitSeconds: 2 });
  });

  it('walks through failover, an open circuit, a rate limit, a stream and the recovery; exit 0', async () => {
    const t = testIO();
    expect(await runDemo(['--recovery-ms', '300'], t.io, quick)).toBe(0);
    const out = t.stdout();
    expect(out).toMatch(/Live dashboard: http:\/\/127\.0\.0\.1:\d+\/dashboard/);
    expect(out).toContain('(it closes with the demo; add --hold to keep it up)');
    for (const phase of [
      '1. All providers healthy',
      '2. sim-openai starts failing',
      '3. sim-claude rate-limits (429, Retry-After: 0.3)',
      '4. A streamed answer',
      '5. sim-openai recovers; after 300 ms',
      'Provider status',
    ])
      expect(out).toContain(phase);
    // Phase 1: the primary serves.
    expect(out).toMatch(/# 1 sim-openai\s+\d+ ms\s+sim-openai:ok/);
    // Phase 2: its circuit opens after failures, and requests fail over.
    expect(out).toMatch(/circuit sim-openai: closed -> open/);
    expect(out).toMatch(/sim-openai:503 -> sim-claude:ok/);
    // Phase 4: the stream is served by another provider, word for word.
    expect(out).toContain('Streaming works while the primary is down: no splice, no surprise.');
    // Phase 5: a probe closes the circuit again; the last answers come from the primary.
    expect(out).toMatch(/circuit sim-openai: half_open -> closed/);
    expect(out).toMatch(/#\d+ sim-openai\s+\d+ ms\s+sim-openai:ok\n\nProvider status/);
    expect(out).toMatch(/\nsim-openai\s+closed\s/);
    expect(t.stderr()).toBe('');
  });

  it('--port must be a port; the help names every option', async () => {
    for (const port of ['--port=-1', '--port=65536', '--port=x']) {
      const t = testIO();
      expect(await runMain(['demo', port], t.io)).toBe(2);
      expect(t.stderr()).toContain('--port must be an integer from 0 to 65535');
    }
    const help = testIO();
    expect(await runMain(['demo', '--help'], help.io)).toBe(0);
    for (const option of ['--recovery-ms', '--port', '--hold'])
      expect(help.stdout()).toContain(option);
  });

  it('--hold keeps the dashboard up after the walkthrough until Ctrl-C', async () => {
    const t = testIO();
    const run = runDemo(['--recovery-ms', '200', '--hold'], t.io, quick);
    await vi.waitFor(() => expect(t.stdout()).toContain('Ctrl-C to exit'), {
      timeout: 120_000,
      interval: 20,
    });
    const url = /stays up at (http:\/\/\S+)\/dashboard/.exec(t.stdout())?.[1];
    expect((await fetch(`${url}/health`)).status).toBe(200);
    t.signals.emit('SIGINT');
    expect(await run).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
