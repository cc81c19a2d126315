import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix no other test (or parallel suite) uses. */
export const uniquePrefix = (label = 't'): string =>
  `flexiai-test:${label}:${randomBytes(4).toString('hex')}:`;

/** Deletes every key under `prefix`. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

/**
 * Resolves when `check` holds, polling every 5 ms; fails after `timeoutMs`, which is generous by
 * default (a loaded machine delays timers and sockets by seconds; a wait costs only what it takes).
 */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}
