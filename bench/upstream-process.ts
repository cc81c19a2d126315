import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface UpstreamProcess {
  /** Base URLs of the simulated providers, in order. */
  baseURLs: string[];
  close(): Promise<void>;
}

/**
 * Simulated providers in a child process, so the benchmarked process runs only the client side
 * and the upstream's work never lands on its event loop.
 */
export async function startUpstreams(count: number, wire = 'openai'): Promise<UpstreamProcess> {
  const script = fileURLToPath(new URL('./upstream-server.ts', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', script, String(count), wire],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const baseURLs = await new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`upstream process exited with ${code}`)));
    child.stdout?.once('data', (data: Buffer) => resolve(JSON.parse(String(data)) as string[]));
  });
  return {
    baseURLs,
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
