import { buildConnector, errors } from 'undici';

type Destroyable = { destroy?: () => void } | null | undefined;

/** How many connections are being opened right now (read by the pool-queue deadline). */
export interface ConnectTracker {
  connecting: number;
}

/**
 * undici's TCP/TLS connector with a millisecond-accurate connect deadline (its own ticks at about
 * one second). On expiry the half-open socket is destroyed, so a blackholed host leaves nothing open.
 */
export function createConnector(
  connectTimeoutMs: number,
  tracker: ConnectTracker = { connecting: 0 },
): buildConnector.connector {
  const connect = buildConnector({ timeout: 0 });
  return (options, callback) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    tracker.connecting += 1;
    // undici's connector returns the socket, though its type says void.
    const socket = connect(options, (...args) => {
      clearTimeout(timer);
      if (settled) {
        (args[1] as Destroyable)?.destroy?.();
        return;
      }
      settled = true;
      tracker.connecting -= 1;
      callback(...args);
    }) as unknown as Destroyable;
    timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      tracker.connecting -= 1;
      socket?.destroy?.();
      callback(
        new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms`),
        null,
      );
    }, connectTimeoutMs);
    timer.unref();
  };
}
