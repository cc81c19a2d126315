import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Every child still running: killed if the benchmark process exits, even on a crash. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export interface BenchChild<T> {
  readonly pid: number;
  /** The first message the child sent: what it is ready to serve. */
  readonly ready: T;
  /** Resolves with the next message the child sends. */
  nextMessage<R>(): Promise<R>;
  /** SIGTERM, then waits for the exit. */
  close(): Promise<void>;
}

/**
 * Starts one of the bench's TypeScript scripts in its own Node process (tsx), talking over IPC, so
 * the measured side and the process under load never share an event loop or a core's time slice.
 * Its stdout is discarded (a gateway's request log goes nowhere, as behind a log shipper); stderr is
 * inherited so failures show.
 */
export async function startBenchChild<T>(
  script: string,
  args: readonly string[] = [],
  options: { execArgv?: readonly string[] } = {},
): Promise<BenchChild<T>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = track(
    spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', path, ...args], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  return wrap<T>(child, script);
}

/**
 * Starts any Node script (not ours) and waits until `isReady` says it serves. Its output is
 * discarded: a peer gateway's per-request console logging must not cost it a terminal's speed.
 */
export async function startNodeProcess(
  path: string,
  args: readonly string[],
  isReady: () => Promise<boolean>,
): Promise<{ pid: number; close(): Promise<void> }> {
  const child = track(spawn(process.execPath, [path, ...args], { stdio: 'ignore' }));
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  const deadline = Date.now() + 30_000;
  while (!(await isReady())) {
    if (exitCode !== undefined)
      throw new Error(`${path} exited with ${exitCode} before it was ready`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${path} was not ready within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid: child.pid ?? 0, close: () => stop(child) };
}

/**
 * Starts the real `flexiai serve --config FILE --port 0` (the CLI, from source through tsx) and
 * waits for the address in its start banner. Request logs (stdout) are discarded.
 */
export async function startFlexiServe(
  configPath: string,
): Promise<{ pid: number; url: string; close(): Promise<void> }> {
  const cli = fileURLToPath(new URL('../src/cli/index.ts', import.meta.url));
  const child = track(
    spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'serve', '--config', configPath, '--port', '0'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    ),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.once('exit', (code) => reject(new Error(`flexiai serve exited with ${code}: ${stderr}`)));
    child.stderr?.on('data', (data: Buffer) => {
      stderr += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
  });
  child.stderr?.resume();
  return { pid: child.pid ?? 0, url, close: () => stop(child) };
}

function wrap<T>(child: ChildProcess, name: string): Promise<BenchChild<T>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`${name} exited with ${code} before it was ready`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (ready) => {
      child.off('exit', onExit);
      child.off('error', reject);
      resolve({
        pid: child.pid ?? 0,
        ready: ready as T,
        nextMessage: <R>() =>
          new Promise<R>((resolveMessage, rejectMessage) => {
            const onEarlyExit = (code: number | null): void =>
              rejectMessage(new Error(`${name} exited with ${code}`));
            child.once('exit', onEarlyExit);
            child.once('message', (message) => {
              child.off('exit', onEarlyExit);
              resolveMessage(message as R);
            });
          }),
        close: () => stop(child),
      });
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
