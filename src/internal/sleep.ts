import { scheduleOn, systemClock, type Clock } from './clock.js';

/**
 * Resolves after `ms` of the clock's time (real unref'd timers by default), or rejects with the
 * signal's reason once it aborts.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = systemClock): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = scheduleOn(
      clock,
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      ms,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
