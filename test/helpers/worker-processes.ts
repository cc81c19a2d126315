import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProviderStatus } from '../../src/client/provider-status.js';
import type { SyncStatus } from '../../src/state/circuit-state-sync.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/sync-worker-process.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  burst(n: number): Promise<string[]>;
  status(): Promise<{ providers: ProviderStatus[]; sync: SyncStatus }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Forks a real worker process (tsx) and waits until its client is ready. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const { child, ask } = await forkWorker(SCRIPT, env);
  return {
    child,
    burst: async (n) => (await ask<{ providers: string[] }>({ type: 'burst', n })).providers,
    status: () => ask({ type: 'status' }),
    kill: (signal) => killWorker(child, signal),
  };
}

/** A forked fixture process (tsx) that said it is ready, and how to ask it things over IPC. */
export async function forkWorker(
  script: string,
  env: Record<string, string>,
): Promise<{
  child: ChildProcess;
  ask<T>(command: Record<string, unknown>): Promise<T>;
}> {
  const child = fork(script, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (value: unknown) => void>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start')), 150_000);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
    child.on('message', (message: { id?: number; ready?: boolean }) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve();
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  const ask = <T>(command: Record<string, unknown>): Promise<T> => {
    const id = (next += 1);
    return new Promise<T>((resolve) => {
      pending.set(id, resolve as (value: unknown) => void);
      child.send({ id, ...command });
    });
  };
  return { child, ask };
}

/** Stops a forked worker and waits for it to exit. */
export async function killWorker(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
