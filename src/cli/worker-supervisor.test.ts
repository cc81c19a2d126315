import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { superviseWorkers, type SupervisorFailure } from './worker-supervisor.js';

/** A fake cluster worker: the test makes it listen, fail or exit. */
class FakeWorker extends EventEmitter {
  static nextPid = 1000;
  readonly process = { pid: (FakeWorker.nextPid += 1) };
  listen(url = 'http://127.0.0.1:4000'): void {
    this.emit('message', { type: 'flexiai:listening', url });
  }
  failStartup(message: string, exitCode = 1): void {
    this.emit('message', { type: 'flexiai:startup-failed', message, exitCode });
    this.emit('exit', exitCode, null);
  }
  die(code: number | null = 1, signal: string | null = null): void {
    this.emit('exit', code, signal);
  }
}

/** Manual timers and time: nothing runs until the test advances the clock. */
function harness(workers: number, policy = {}) {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  const forked: FakeWorker[] = [];
  const captured = captureLogger('warn');
  const urls: string[] = [];
  let failure: SupervisorFailure | undefined;
  const supervisor = superviseWorkers({
    workers,
    fork: () => {
      const worker = new FakeWorker();
      forked.push(worker);
      return worker;
    },
    logger: captured.logger,
    policy,
    onListening: (url) => urls.push(url),
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn, id: (ids += 1) };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      const index = timers.indexOf(timer as (typeof timers)[number]);
      if (index >= 0) timers.splice(index, 1);
    },
  });
  void supervisor.failed.then((f) => (failure = f));
  return {
    supervisor,
    forked,
    urls,
    logs: () => captured.lines(),
    failure: async () => {
      await Promise.resolve();
      return failure;
    },
    pendingDelays: () => timers.map((t) => t.at - now),
    /** Moves time forward, firing due timers in order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.fn();
      }
      now = until;
    },
    last: () => forked.at(-1) as FakeWorker,
  };
}

describe('superviseWorkers', () => {
  it('gives up after 3 startup failures by default', async () => {
    const h = harness(2);
    h.forked[1]?.listen();
    h.forked[0]?.failStartup('boom');
    h.advance(200);
    h.last().failStartup('boom');
    h.advance(400);
    expect(await h.failure()).toBeUndefined();
    h.last().failStartup('boom');
    expect(await h.failure()).toEqual({ message: 'boom', exitCode: 1 });
  });

  it('forks the requested workers and announces the first URL once', () => {
    const h = harness(3);
    expect(h.forked).toHaveLength(3);
    for (const w of h.forked) w.listen('http://127.0.0.1:4321');
    expect(h.urls).toEqual(['http://127.0.0.1:4321']);
  });

  it('a worker that cannot start is retried with a doubling delay, then the supervisor gives up with its error', async () => {
    const h = harness(1, { maxStartupFailures: 5 });
    const delays: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      h.last().failStartup('configuration error: port 4000 in use (EADDRINUSE)', 2);
      delays.push(...h.pendingDelays());
      const before = h.forked.length;
      // Not restarted before its delay is over: no tight loop.
      h.advance((h.pendingDelays()[0] as number) - 1);
      expect(h.forked).toHaveLength(before);
      h.advance(1);
      expect(h.forked).toHaveLength(before + 1);
    }
    expect(delays).toEqual([200, 400, 800, 1600]);
    expect(await h.failure()).toBeUndefined();
    h.last().failStartup('configuration error: port 4000 in use (EADDRINUSE)', 2);
    expect(await h.failure()).toEqual({
      message: 'configuration error: port 4000 in use (EADDRINUSE)',
      exitCode: 2,
    });
    // Gave up: nothing scheduled, nothing forked later.
    expect(h.pendingDelays()).toEqual([]);
    h.advance(60_000);
    expect(h.forked).toHaveLength(5);
    const warnings = h.logs().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(4);
    expect(String(warnings[0]?.msg)).toContain('retrying in 200 ms');
    expect(String(h.logs().at(-1)?.msg)).toContain('giving up');
  });

  it('a worker that dies before listening without saying why: its exit code and a plain message', async () => {
    const h = harness(1, { maxStartupFailures: 2 });
    h.last().die(7);
    h.advance(200);
    h.last().die(null, 'SIGKILL');
    expect(await h.failure()).toEqual({
      message: expect.stringContaining('exited with signal SIGKILL before listening') as string,
      exitCode: 1,
    });
  });

  it('a successful start resets the count of startup failures', async () => {
    const h = harness(1, { maxStartupFailures: 3 });
    h.last().failStartup('boom');
    h.advance(200);
    h.last().failStartup('boom');
    h.advance(400);
    h.last().listen();
    h.advance(60_000);
    h.last().die(1);
    h.advance(200);
    h.last().failStartup('boom');
    h.advance(400);
    h.last().failStartup('boom');
    expect(await h.failure()).toBeUndefined();
    expect(h.pendingDelays()).toHaveLength(1);
  });

  it('a worker that dies after listening is restarted; quickly repeated deaths back off, a long life resets the delay', async () => {
    const h = harness(2);
    for (const w of h.forked) w.listen();
    const victim = h.forked[0] as FakeWorker;
    victim.die(null, 'SIGKILL');
    expect(h.pendingDelays()).toEqual([200]);
    h.advance(200);
    expect(h.forked).toHaveLength(3);
    // The replacement crashes a second after listening, twice: 400, then 800 ms.
    h.last().listen();
    h.advance(1_000);
    h.last().die(1);
    expect(h.pendingDelays()).toEqual([400]);
    h.advance(400);
    h.last().listen();
    h.advance(1_000);
    h.last().die(1);
    expect(h.pendingDelays()).toEqual([800]);
    h.advance(800);
    // This one stays up past stableAfterMs: its death restarts after the initial delay again.
    h.last().listen();
    h.advance(30_000);
    h.last().die(1);
    expect(h.pendingDelays()).toEqual([200]);
    expect(await h.failure()).toBeUndefined();
  });

  it('stop() cancels pending restarts and ignores later exits', () => {
    const h = harness(1);
    h.last().listen();
    h.last().die(1);
    expect(h.pendingDelays()).toEqual([200]);
    h.supervisor.stop();
    expect(h.pendingDelays()).toEqual([]);
    h.advance(10_000);
    expect(h.forked).toHaveLength(1);
  });

  it('caps the delay at maxDelayMs', () => {
    const h = harness(1, { maxDelayMs: 1_000, maxStartupFailures: 100 });
    const delays: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      h.last().failStartup('no');
      delays.push(...h.pendingDelays());
      h.advance(1_000);
    }
    expect(delays).toEqual([200, 400, 800, 1000, 1000, 1000, 1000, 1000]);
  });
});
