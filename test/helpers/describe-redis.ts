import { createConnection } from 'node:net';
import { describe, it } from 'vitest';

/** The shared Redis every Redis suite uses (each with its own key prefix). */
export const REDIS_URL = process.env.FLEXIAI_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function ping(host: string, port: number): Promise<'ok' | 'refused' | 'timeout'> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: 'ok' | 'refused' | 'timeout'): void => {
      socket.destroy();
      resolve(result);
    };
    // Generous: on a loaded machine a healthy Redis can take seconds to answer.
    socket.setTimeout(5_000, () => done('timeout'));
    socket.once('error', () => done('refused'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? 'ok' : 'refused'));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/** Whether Redis answers PING; a timeout is retried (a busy machine), a refusal is not. */
async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const result = await ping(hostname, Number(port || 6379));
    if (result !== 'timeout') return result === 'ok';
  }
  return false;
}

export const redisAvailable = await reachable(REDIS_URL);

/**
 * `describe` for suites that need a real Redis. Without one the suite is skipped with a loud
 * message, except when CI=true: there a missing Redis fails the run instead of hiding the suite.
 */
export function describeRedis(name: string, body: () => void): void {
  if (redisAvailable) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs Redis at ${REDIS_URL}`, () => {
        throw new Error(`Redis is not reachable at ${REDIS_URL}; CI=true, so this suite fails`);
      });
    });
    return;
  }
  console.warn(
    `\n!!! SKIPPING "${name}": no Redis at ${REDIS_URL} (start redis-server, or set FLEXIAI_TEST_REDIS_URL)\n`,
  );
  describe.skip(name, body);
}
