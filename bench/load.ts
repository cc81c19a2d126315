import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSec: number;
  /** Requests per second over all connections; as fast as answers come when absent. */
  overallRate?: number;
}

export interface LoadResult {
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
  seconds: number;
  /** Response time of every 2xx answer, in ms (autocannon's own histogram keeps whole ms only). */
  latenciesMs: number[];
}

/** One autocannon run (keep-alive connections, no pipelining) against one target. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    let ok = 0;
    let failed = 0;
    const started = performance.now();
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.durationSec,
        timeout: 10,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          ok,
          errors: failed + result.errors,
          seconds: (performance.now() - started) / 1000,
          latenciesMs,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok += 1;
        latenciesMs.push(responseTimeMs);
      } else {
        failed += 1;
      }
    });
  });
}

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux). */
export async function processCpuUs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks / CLOCK_TICKS_PER_SECOND) * 1e6;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Open-loop load at a fixed rate, spread evenly (autocannon's rate limit sends each second's quota
 * in a burst, which measures queueing, not the path): request i is sent at start + i / rate over a
 * pool of `connections` keep-alive connections. Latency runs from the send to the last body byte.
 */
export async function runPaced(
  options: LoadOptions & { overallRate: number },
): Promise<LoadResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
  const latenciesMs: number[] = [];
  let ok = 0;
  let errors = 0;
  const total = Math.round(options.overallRate * options.durationSec);
  const intervalMs = 1000 / options.overallRate;
  const inFlight: Promise<void>[] = [];
  const send = async (): Promise<void> => {
    const start = performance.now();
    try {
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: options.headers,
        body: options.body,
      });
      await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        ok += 1;
        latenciesMs.push(performance.now() - start);
      } else {
        errors += 1;
      }
    } catch {
      errors += 1;
    }
  };
  const started = performance.now();
  for (let sent = 0; sent < total;) {
    const due = started + sent * intervalMs;
    const now = performance.now();
    if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
    // Everything due by now goes out at once (timers fire late by up to a millisecond).
    while (sent < total && started + sent * intervalMs <= performance.now()) {
      inFlight.push(send());
      sent += 1;
    }
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { ok, errors, seconds, latenciesMs };
}
