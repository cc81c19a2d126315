import { buildConnector, errors } from 'undici';

type Destroyable = { destroy?: () => void } | null | undefined;

/**
 * undici's TCP/TLS connector with a millisecond-accurate connect deadline (its own ticks at about
 * one second). On expiry the half-open socket is destroyed, so a blackholed host leaves nothing open.
 */
export function createConnector(connectTimeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: 0 });
  return (options, callback) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // undici's connector returns the socket, though its type says void.
    const socket = connect(options, (...args) => {
      clearTimeout(timer);
      if (settled) {
        (args[1] as Destroyable)?.destroy?.();
        return;
      }
      settled = true;
      callback(...args);
    }) as unknown as Destroyable;
    timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      socket?.destroy?.();
      callback(
        new errors.ConnectTimeoutError(`connect timeout after ${connectTimeoutMs} ms`),
        null,
      );
    }, connectTimeoutMs);
    timer.unref();
  };
}
