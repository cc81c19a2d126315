import { fork, type ChildProcess } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { ProviderStatus } from '../../src/client/provider-status.js';
import type { SyncStatus } from '../../src/state/circuit-state-sync.js';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const SCRIPT = join(FIXTURES, 'sync-worker-process.ts');

/**
 * How to start a fixture of test/fixtures/: its bundle from this run's global setup
 * (test/helpers/build-fixtures.global-setup.ts) on plain node; without it (a config without that
 * setup, or a script elsewhere), the TypeScript source through tsx. Either way the current source.
 */
function fixtureCommand(script: string): { modulePath: string; execArgv: string[] } {
  const bundled = inject('fixturesDir');
  if (bundled && dirname(script) === FIXTURES && script.endsWith('.ts')) {
    return { modulePath: join(bundled, `${basename(script, '.ts')}.js`), execArgv: [] };
  }
  return { modulePath: script, execArgv: ['--import', 'tsx'] };
}

export interface WorkerProcess {
  child: ChildProcess;
  burst(n: number): Promise<string[]>;
  status(): Promise<{ providers: ProviderStatus[]; sync: SyncStatus }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Forks a real worker process and waits until its client is ready. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const { child, ask } = await forkWorker(SCRIPT, env);
  return {
    child,
    burst: async (n) => (await ask<{ providers: string[] }>({ type: 'burst', n })).providers,
    status: () => ask({ type: 'status' }),
    kill: (signal) => killWorker(child, signal),
  };
}

/** A forked fixture process (see {@link fixtureCommand}) that said it is ready, and how to ask it things over IPC. */
export async function forkWorker(
  script: string,
  env: Record<string, string>,
): Promise<{
  child: ChildProcess;
  ask<T>(command: Record<string, unknown>): Promise<T>;
}> {
  const { modulePath, execArgv } = fixtureCommand(script);
  const child = fork(modulePath, {
    execArgv,
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
