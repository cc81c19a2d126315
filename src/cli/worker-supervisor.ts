import type { Logger } from '../internal/logger.js';

/** What a worker tells the primary (over the cluster IPC channel). */
export type WorkerMessage =
  | { type: 'flexiai:listening'; url: string }
  /** The worker could not start (bad configuration, port in use, ...): the message a user reads. */
  | { type: 'flexiai:startup-failed'; message: string; exitCode: number };

/** The part of a `cluster.Worker` the supervisor uses (a fake in tests). */
export interface SupervisedWorker {
  readonly process: { readonly pid?: number | undefined };
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): unknown;
}

export interface RestartPolicy {
  /** Delay before the first restart of a slot (default 200 ms); doubles on each quick death. */
  initialDelayMs: number;
  /** Cap of the delay (default 30 s). */
  maxDelayMs: number;
  /** A slot whose worker dies this many times in a row before listening stops the primary (default 3). */
  maxStartupFailures: number;
  /** A worker that listened for at least this long before dying restarts after `initialDelayMs` again (default 30 s). */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 30_000,
  maxStartupFailures: 3,
  stableAfterMs: 30_000,
};

export interface SupervisorOptions {
  workers: number;
  fork: () => SupervisedWorker;
  logger: Logger;
  policy?: Partial<RestartPolicy>;
  /** Called once with the first worker's URL. */
  onListening?: (url: string) => void;
  /** Timers and time, replaced in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

/** Why the supervisor gave up: the last startup failure of the slot that kept failing. */
export interface SupervisorFailure {
  message: string;
  exitCode: number;
}

export interface WorkerSupervisor {
  /** Settles when the supervisor gives up (a worker cannot start); never while stop() was not called and workers run. */
  readonly failed: Promise<SupervisorFailure>;
  /** Stop restarting (shutdown): pending restarts are cancelled. */
  stop(): void;
}

/**
 * Keeps `workers` worker processes running. A worker that dies before it listens is restarted
 * after a delay that doubles each time (never a tight loop); after `maxStartupFailures` such deaths
 * in a row in one slot the supervisor gives up with that worker's error, so `serve --workers`
 * exits non-zero instead of forking forever. A worker that dies after listening is restarted too,
 * with the same growing delay while it keeps dying quickly, reset once a worker stays up.
 */
export function superviseWorkers(options: SupervisorOptions): WorkerSupervisor {
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  const now = options.now ?? Date.now;
  const timers = new Set<unknown>();
  let stopped = false;
  let announced = false;
  let fail!: (failure: SupervisorFailure) => void;
  const failed = new Promise<SupervisorFailure>((resolve) => (fail = resolve));

  interface Slot {
    startupFailures: number;
    quickDeaths: number;
  }

  const delayFor = (deaths: number): number =>
    Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, deaths - 1));

  const start = (slot: Slot): void => {
    const worker = options.fork();
    const pid = worker.process.pid;
    let listeningSince: number | undefined;
    let startupError: { message: string; exitCode: number } | undefined;
    worker.on('message', (raw) => {
      const message = raw as Partial<WorkerMessage> | null;
      if (message?.type === 'flexiai:listening' && typeof message.url === 'string') {
        listeningSince = now();
        slot.startupFailures = 0;
        if (!announced) {
          announced = true;
          options.onListening?.(message.url);
        }
      } else if (
        message?.type === 'flexiai:startup-failed' &&
        typeof message.message === 'string'
      ) {
        startupError = {
          message: message.message,
          exitCode: typeof message.exitCode === 'number' ? message.exitCode : 1,
        };
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopped) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (listeningSince === undefined) {
        slot.startupFailures += 1;
        slot.quickDeaths += 1;
        const message =
          startupError?.message ?? `worker ${pid} exited with ${how} before listening`;
        if (slot.startupFailures >= policy.maxStartupFailures) {
          stopped = true;
          for (const timer of timers) clearTimer(timer);
          timers.clear();
          options.logger.error(
            { pid, code, signal, failures: slot.startupFailures },
            `worker could not start (${slot.startupFailures} times in a row), giving up: ${message}`,
          );
          fail({ message, exitCode: startupError?.exitCode || (code ? code : 1) });
          return;
        }
        const delay = delayFor(slot.quickDeaths);
        options.logger.warn(
          { pid, code, signal, failures: slot.startupFailures, retryInMs: delay },
          `worker could not start: ${message}; retrying in ${delay} ms`,
        );
        schedule(slot, delay);
        return;
      }
      const upMs = now() - listeningSince;
      slot.quickDeaths = upMs >= policy.stableAfterMs ? 1 : slot.quickDeaths + 1;
      const delay = delayFor(slot.quickDeaths);
      options.logger.warn(
        { pid, code, signal, upMs, restartInMs: delay },
        `worker exited with ${how}; starting a new one in ${delay} ms`,
      );
      schedule(slot, delay);
    });
  };

  const schedule = (slot: Slot, delay: number): void => {
    const timer = setTimer(() => {
      timers.delete(timer);
      if (!stopped) start(slot);
    }, delay);
    timers.add(timer);
  };

  for (let i = 0; i < options.workers; i += 1) start({ startupFailures: 0, quickDeaths: 0 });

  return {
    failed,
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimer(timer);
      timers.clear();
    },
  };
}
