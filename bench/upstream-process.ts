import type { Fault, SimWireName } from '../src/testing/index.js';
import { startBenchChild } from './child-process.js';

export interface UpstreamProcess {
  /** Base URLs of the simulated providers, in order. */
  baseURLs: string[];
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Wire format spoken by every simulated provider; `openai` by default. */
  wire?: SimWireName;
  /** What every chat call is answered with; a short fixed reply by default. */
  reply?: Fault;
  /**
   * `burst`: instead of simulators, servers that send a stream of `reply.chunks` whole, in one
   * write (see burst-upstream.ts).
   */
  mode?: 'simulator' | 'burst';
}

/** What upstream-server.ts reads from its first argument. */
export interface UpstreamSpec {
  count: number;
  wire: SimWireName;
  reply: Fault;
  mode: 'simulator' | 'burst';
}

export const DEFAULT_REPLY: Fault = { kind: 'ok', content: 'Hello from the simulated upstream.' };

/**
 * Simulated providers in a child process, so the benchmarked process runs only the client side
 * and the upstream's work never lands on its event loop.
 */
export async function startUpstreams(
  count: number,
  options: UpstreamOptions = {},
): Promise<UpstreamProcess> {
  const spec: UpstreamSpec = {
    count,
    wire: options.wire ?? 'openai',
    reply: options.reply ?? DEFAULT_REPLY,
    mode: options.mode ?? 'simulator',
  };
  const child = await startBenchChild<string[]>('./upstream-server.ts', [JSON.stringify(spec)]);
  return { baseURLs: child.ready, close: () => child.close() };
}
